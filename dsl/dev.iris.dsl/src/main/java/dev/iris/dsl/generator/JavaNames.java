package dev.iris.dsl.generator;

import dev.iris.dsl.iris.DeclaredTypeRef;
import dev.iris.dsl.iris.Group;
import dev.iris.dsl.iris.IrisSystem;
import dev.iris.dsl.iris.Message;
import dev.iris.dsl.iris.PrimitiveTypeRef;
import dev.iris.dsl.iris.TypeRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.xtext.EcoreUtil2;

/** Java names and types for the declarations of one system, and the ids fixed at generation. */
final class JavaNames {
    /** Message codec ids are 100..65535; 1..99 are the runtime's. */
    private static final int FIRST_CODEC_ID = 100;
    /** Groups without an explicit well-known id get one from this range, derived from their name. */
    private static final int FIRST_ASSIGNED_GROUP_ID = 1 << 29;

    private final IrisSystem system;
    private final Map<Message, Integer> codecIds = new HashMap<>();
    private final Map<Group, Integer> groupIds = new HashMap<>();

    JavaNames(IrisSystem system) {
        this.system = system;
        Set<Integer> used = new HashSet<>();
        for (Message m : EcoreUtil2.typeSelect(system.getElements(), Message.class)) {
            int id = FIRST_CODEC_ID + Math.floorMod(hash(system.getName() + "." + m.getName()), 65536 - FIRST_CODEC_ID);
            while (!used.add(id)) {
                id = id == 65535 ? FIRST_CODEC_ID : id + 1;
            }
            codecIds.put(m, id);
        }
        Set<Integer> groups = new HashSet<>();
        for (Group g : EcoreUtil2.typeSelect(system.getElements(), Group.class)) {
            if (g.isWellKnown()) {
                groups.add(g.getWellKnownId());
            }
        }
        for (Group g : EcoreUtil2.typeSelect(system.getElements(), Group.class)) {
            if (!g.isWellKnown()) {
                int id = FIRST_ASSIGNED_GROUP_ID + Math.floorMod(hash(system.getName() + "." + g.getName()),
                        FIRST_ASSIGNED_GROUP_ID - 1);
                while (!groups.add(id)) {
                    id++;
                }
                groupIds.put(g, id);
            }
        }
    }

    private static int hash(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        return h;
    }

    IrisSystem system() {
        return system;
    }

    String javaPackage() {
        return system.getName();
    }

    /** {@code demo.bank} gives {@code BankSystem}. */
    String systemClass() {
        String last = system.getName().substring(system.getName().lastIndexOf('.') + 1);
        return Character.toUpperCase(last.charAt(0)) + last.substring(1) + "System";
    }

    /** The Java name of a declaration: simple in its own system, qualified in another. */
    String qualified(EObject element, String simpleName) {
        IrisSystem owner = EcoreUtil2.getContainerOfType(element, IrisSystem.class);
        return owner == null || owner == system ? simpleName : owner.getName() + "." + simpleName;
    }

    String messageClass(Message message) {
        return qualified(message, message.getName());
    }

    int codecId(Message message) {
        Integer id = codecIds.get(message);
        if (id == null) {
            throw new IllegalArgumentException("message " + message.getName() + " is not declared in " + system.getName());
        }
        return id;
    }

    /** The well-known number of a cluster-wide group, or the number its local group uses on every node. */
    int groupNumber(Group group) {
        return group.isWellKnown() ? group.getWellKnownId() : groupIds.get(group);
    }

    /** The constant or method in the system class that names this group's id. */
    String groupConstant(Group group) {
        return constant(group.getName());
    }

    /** {@code fooBar} gives {@code FOO_BAR}. */
    static String constant(String name) {
        StringBuilder s = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c) && !s.isEmpty()) {
                s.append('_');
            }
            s.append(Character.toUpperCase(c));
        }
        return s.toString();
    }

    /** The Java type of a field. */
    String javaType(TypeRef type) {
        String element = switch (type) {
            case PrimitiveTypeRef p -> switch (p.getPrimitive()) {
                case INT -> "int";
                case LONG -> "long";
                case DOUBLE -> "double";
                case BOOLEAN -> "boolean";
                case STRING -> "String";
                case BYTES -> "byte[]";
            };
            case DeclaredTypeRef d -> qualified(d.getDeclaration(), d.getDeclaration().getName());
            default -> throw new IllegalArgumentException("unknown type " + type);
        };
        return type.isArray() ? element + "[]" : element;
    }

    private static final Set<String> JAVA_KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "record", "yield", "var");

    /** A field name usable as a Java identifier ({@code class} becomes {@code class_}). */
    static String field(String name) {
        return JAVA_KEYWORDS.contains(name) ? name + "_" : name;
    }

    /** {@code transferFunds} from {@code TransferFunds}. */
    static String lowerFirst(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    /** A Java string literal. */
    static String literal(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A documentation comment as the first lines (and a blank line) of a class's javadoc; "" if none. */
    static String docLines(String doc) {
        StringBuilder lines = new StringBuilder();
        if (doc != null && !doc.isBlank()) {
            for (String line : doc.strip().split("\n")) {
                lines.append(" * ").append(line.strip().replace("*/", "*&#47;")).append('\n');
            }
            lines.append(" *\n");
        }
        return lines.toString();
    }

    /**
     * {@code members} (generated members of a class, the first with a one-line javadoc) with
     * {@code doc}, the documentation of the declaration they are generated from, at the start of
     * that javadoc; {@code members} as they are without documentation. (A comment of its own before
     * them would be a javadoc attached to nothing.)
     */
    static String documented(String doc, String members) {
        String start = "    /** ";
        int end = members.indexOf(" */\n");
        if (doc == null || doc.isBlank() || !members.startsWith(start) || end < 0) {
            return members;
        }
        String comment = javadoc(doc, "    ");
        return comment.substring(0, comment.length() - "     */\n".length())
                + "     *\n     * <p>" + members.substring(start.length(), end) + "\n     */\n"
                + members.substring(end + " */\n".length());
    }

    /**
     * {@code text} as lines of at most {@code width} characters (unless a word is longer), each
     * starting with {@code prefix}; an inline tag (a brace and what it encloses) stays on one line.
     */
    static String wrap(String text, String prefix, int width) {
        List<String> words = new ArrayList<>();
        for (String word : text.split(" ")) {
            int last = words.size() - 1;
            if (last >= 0 && words.get(last).lastIndexOf("{@") > words.get(last).lastIndexOf('}')) {
                words.set(last, words.get(last) + " " + word); // inside an inline tag
            } else {
                words.add(word);
            }
        }
        StringBuilder lines = new StringBuilder();
        StringBuilder line = new StringBuilder(prefix);
        for (String word : words) {
            if (line.length() > prefix.length() && line.length() + 1 + word.length() > width) {
                lines.append(line).append('\n');
                line.setLength(0);
                line.append(prefix);
            }
            line.append(line.length() > prefix.length() ? " " : "").append(word);
        }
        return lines.append(line).append('\n').toString();
    }

    /** A javadoc comment from a documentation text, or an empty string. */
    static String javadoc(String doc, String indent) {
        if (doc == null || doc.isBlank()) {
            return "";
        }
        StringBuilder s = new StringBuilder(indent).append("/**\n");
        for (String line : doc.strip().split("\n")) {
            s.append(indent).append(" * ").append(line.strip().replace("*/", "*&#47;")).append('\n');
        }
        return s.append(indent).append(" */\n").toString();
    }
}
