package dev.iris.core;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.core.resources.IMarker;
import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.xtext.diagnostics.Severity;

/**
 * The Iris problem markers: what the builder (for saved files) and the editor (while typing)
 * report, shown in the Problems view and on the editor's ruler. One marker type,
 * {@value #PROBLEM}, a subtype of Eclipse's problem and text markers.
 *
 * <p>Threading: marker changes take the workspace lock of the resource; call them from a job or
 * a builder, not the UI thread.
 */
public final class IrisMarkers {
    /** The marker type. */
    public static final String PROBLEM = "dev.iris.core.problem";
    /**
     * Marker attribute: the validator's issue code (a string), absent if it has none. Quick fixes
     * find the problem again by its code and offset in the file's current text.
     */
    public static final String CODE = "dev.iris.core.code";

    private IrisMarkers() {
    }

    /** Removes the Iris problems of {@code resource} and everything below it. */
    public static void clear(IResource resource) throws CoreException {
        resource.deleteMarkers(PROBLEM, true, IResource.DEPTH_INFINITE);
    }

    /**
     * Adds a problem to {@code resource}: {@code line} counts from 1, {@code offset} (characters
     * from the start of the file; -1 if unknown) and {@code length} mark the text.
     */
    public static IMarker create(IResource resource, int line, int offset, int length, Severity severity, String message)
            throws CoreException {
        return create(resource, line, offset, length, severity, null, message);
    }

    /** Adds a problem with the validator's issue code (may be null; see {@link #CODE}). */
    public static IMarker create(IResource resource, int line, int offset, int length, Severity severity, String code,
            String message) throws CoreException {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(IMarker.LINE_NUMBER, line);
        if (offset >= 0) {
            attributes.put(IMarker.CHAR_START, offset);
            attributes.put(IMarker.CHAR_END, offset + Math.max(length, 0));
        }
        attributes.put(IMarker.SEVERITY, switch (severity) {
            case ERROR -> IMarker.SEVERITY_ERROR;
            case WARNING -> IMarker.SEVERITY_WARNING;
            default -> IMarker.SEVERITY_INFO;
        });
        attributes.put(IMarker.MESSAGE, message);
        attributes.put(IMarker.LOCATION, "line " + line);
        if (code != null) {
            attributes.put(CODE, code);
        }
        return resource.createMarker(PROBLEM, attributes);
    }
}
