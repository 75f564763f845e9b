/**
 * The Iris IDE model without UI: the project nature and the registry of clusters the IDE knows
 * about. Never depends on {@code org.eclipse.ui*}.
 */
package dev.iris.core;
