// OpenMetadata's own config parsing, for the tests (tests/suite/support/om_release.py runs it,
// `server_parse`; not for users). The server loads its
// openmetadata.yaml with Dropwizard: SubstitutingSourceProvider with
// EnvironmentVariableSubstitutor(strict = false) (commons-text StringSubstitutor: lookup in the
// environment, undefined variables left as they are, no substitution in variable names), then
// BaseConfigurationFactory.build: `mapper.readTree(new YAMLFactory().createParser(input))`
// (Jackson's YAML parser over SnakeYAML) and the configuration classes bound from that tree
// through a TreeTraversingParser. This does the same with the jars on the classpath (the
// released servers' versions, scripts/om-parser), the environment given per case instead of
// System.getenv.
//
// Run: javac -cp JARS -d DIR ServerYaml.java; java -cp DIR:JARS ServerYaml < job.json
// stdin:  {"cases": [{"text": TEXT, "env": {NAME: VALUE}, "keys": [TOP-LEVEL KEY...]}]}
//         (env: the server's environment, {} for none; keys: only these top-level keys, all
//         when absent)
// stdout: [{"tree": JSON, "text": JSON} or {"error": MESSAGE}], one per case, in order.
//   tree: the node tree the configuration is bound from (YAML 1.1 types as Jackson resolves
//         them: `yes` is true, `0123` is 83, `~` is null);
//   text: the same tree with every scalar as Jackson binds it into a String field (`yes` is
//         "true"), null for a null node.
//   error: the substitutor or the parser refused the text (the server would not start).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TreeTraversingParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;

public class ServerYaml {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final YAMLFactory YAML = new YAMLFactory();

  public static void main(String[] args) throws Exception {
    JsonNode job = MAPPER.readTree(System.in);
    ArrayNode answers = MAPPER.createArrayNode();
    for (JsonNode c : job.get("cases")) {
      answers.add(answer(c));
    }
    MAPPER.writeValue(System.out, answers);
  }

  private static ObjectNode answer(JsonNode c) {
    ObjectNode out = MAPPER.createObjectNode();
    Map<String, String> env = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> vars = c.path("env").fields();
    while (vars.hasNext()) {
      Map.Entry<String, JsonNode> v = vars.next();
      env.put(v.getKey(), v.getValue().asText());
    }
    try {
      JsonNode tree = parse(substitute(c.get("text").asText(), env));
      if (c.has("keys") && tree instanceof ObjectNode) {
        ObjectNode picked = MAPPER.createObjectNode();
        for (JsonNode k : c.get("keys")) {
          if (tree.has(k.asText())) {
            picked.set(k.asText(), tree.get(k.asText()));
          }
        }
        tree = picked;
      }
      out.set("tree", tree);
      out.set("text", asText(tree));
    } catch (Exception e) {
      // SnakeYAML's message says what and where ("while parsing a flow sequence in 'reader',
      // line 2, column 4: expected ',' or ']', but got ?"); its indented lines echo the text
      // (which may hold a secret) and are left out.
      StringBuilder message = new StringBuilder();
      for (String line : String.valueOf(e.getMessage()).split("\n")) {
        if (!line.startsWith("    ") && !line.isBlank()) {
          message.append(message.length() == 0 ? "" : " ").append(line.trim());
        }
      }
      out.put("error", e.getClass().getSimpleName() + ": " + message);
    }
    return out;
  }

  // Dropwizard's EnvironmentVariableSubstitutor(false): StringSubstitutor over the environment.
  private static String substitute(String text, Map<String, String> env) {
    StringSubstitutor s = new StringSubstitutor(env::get);
    s.setEnableUndefinedVariableException(false);
    s.setEnableSubstitutionInVariables(false);
    return s.replace(text);
  }

  // BaseConfigurationFactory.build: the substituted bytes through a fresh YAML parser.
  private static JsonNode parse(String text) throws Exception {
    InputStream input = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    JsonNode node = MAPPER.readTree(YAML.createParser(input));
    return node == null ? JsonNodeFactory.instance.nullNode() : node;
  }

  // What a String field gets from each scalar: the tree read back through a
  // TreeTraversingParser, as the configuration classes are bound.
  private static JsonNode asText(JsonNode node) throws Exception {
    if (node.isObject()) {
      ObjectNode out = MAPPER.createObjectNode();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        out.set(f.getKey(), asText(f.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = MAPPER.createArrayNode();
      for (JsonNode item : node) {
        out.add(asText(item));
      }
      return out;
    }
    if (node.isNull()) {
      return node;
    }
    String bound = MAPPER.readValue(new TreeTraversingParser(node, MAPPER), String.class);
    return JsonNodeFactory.instance.textNode(bound);
  }
}
