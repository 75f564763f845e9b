package dev.iris.dsl.ide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iris.dsl.services.IrisGrammarAccess;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.xtext.GrammarUtil;
import org.junit.jupiter.api.Test;

/**
 * The TextMate grammar (lexical highlighting for editors other than Eclipse) colours every word
 * the Xtext grammar has as a keyword, and nothing else as one: it cannot drift from the language.
 */
class IrisTextMateGrammarTest {
    @Test
    void everyKeywordOfTheLanguageIsColouredAndNoOther() throws Exception {
        JsonObject grammar;
        try (var in = new InputStreamReader(getClass().getResourceAsStream("iris.tmLanguage.json"),
                StandardCharsets.UTF_8)) {
            grammar = JsonParser.parseReader(in).getAsJsonObject();
        }
        JsonObject repository = grammar.getAsJsonObject("repository");
        Pattern keyword = Pattern.compile(repository.getAsJsonObject("keyword").get("match").getAsString());
        Pattern type = Pattern.compile(repository.getAsJsonObject("type").get("match").getAsString());
        IrisGrammarAccess access = new IrisIdeSetup().createInjectorAndDoEMFRegistration()
                .getInstance(IrisGrammarAccess.class);
        Set<String> words = new TreeSet<>();
        for (String k : GrammarUtil.getAllKeywords(access.getGrammar())) {
            if (k.chars().allMatch(Character::isLetter)) {
                words.add(k);
            }
        }
        Set<String> types = Set.of("int", "long", "double", "boolean", "string", "bytes");
        for (String word : words) {
            Pattern pattern = types.contains(word) ? type : keyword;
            assertTrue(pattern.matcher(word).matches(), () -> "'" + word + "' is a keyword but not coloured as one");
        }
        for (String word : List.of("Teller", "balances", "n1", "systems")) {
            assertTrue(!keyword.matcher(word).matches() && !type.matcher(word).matches(), word);
        }
        String alternatives = keyword.pattern().replaceAll("^\\\\b\\(|\\)\\\\b$", "");
        Set<String> coloured = new TreeSet<>(List.of(alternatives.split("\\|")));
        coloured.addAll(types);
        assertEquals(words, coloured, "the grammar's keywords");
    }
}
