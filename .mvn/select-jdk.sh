# Sourced by ./mvnw and ./iris (POSIX sh): make JAVA_HOME point at a JDK 21 or newer.
#
# Order: an explicit JAVA_HOME that is 21+; the `java` on the PATH if it is 21+;
# otherwise the newest JDK 21+ found in the usual install locations. If none exists,
# print what was looked at and exit 1: the Eclipse bundles of Iris need Java 21.
# Set IRIS_JDK_VERBOSE=true to see the choice.

iris_jdk_feature() { # $1 = JDK home; prints the feature release (17, 21, 25, ...) or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release")
  else
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  [ "$v" = 1 ] && v=8
  printf '%s' "$v"
}

iris_select_jdk() {
  iris_min=21
  if [ -n "${JAVA_HOME-}" ]; then
    f=$(iris_jdk_feature "$JAVA_HOME")
    if [ -n "$f" ] && [ "$f" -ge "$iris_min" ]; then return 0; fi
    echo "[iris] JAVA_HOME=$JAVA_HOME is Java ${f:-?}, Iris needs $iris_min+; looking for another JDK" >&2
  else
    j=$(command -v javac 2>/dev/null || true)
    if [ -n "$j" ]; then
      h=$(dirname "$(dirname "$(readlink -f "$j")")")
      f=$(iris_jdk_feature "$h")
      if [ -n "$f" ] && [ "$f" -ge "$iris_min" ]; then JAVA_HOME=$h; export JAVA_HOME; return 0; fi
    fi
  fi
  best=""; best_f=0
  for h in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/java/* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$h" ] || continue
    [ -L "$h" ] && continue
    f=$(iris_jdk_feature "$h")
    if [ -n "$f" ] && [ "$f" -ge "$iris_min" ] && [ "$f" -gt "$best_f" ]; then best=$h; best_f=$f; fi
  done
  if [ -z "$best" ]; then
    echo "[iris] error: no JDK $iris_min or newer found." >&2
    echo "[iris]   looked at JAVA_HOME, the java on PATH, /usr/lib/jvm, /opt/java, /usr/java, ~/.sdkman." >&2
    echo "[iris]   Install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME=$best; export JAVA_HOME
  [ "${IRIS_JDK_VERBOSE-}" = true ] && echo "[iris] using JDK $best_f at $JAVA_HOME" >&2
  return 0
}

iris_select_jdk
