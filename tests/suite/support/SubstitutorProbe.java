// The real loader substitution, for tests/suite/om_released.rs: Apache commons-text's
// StringSubstitutor configured as Dropwizard's EnvironmentVariableSubstitutor(strict = false)
// configures it (lookup in the environment, undefined variables left as they are, no
// substitution in variable names), with the environment given per line instead of
// System.getenv. Compares against the emulation in tests/suite/support/om_release.py.
//
// stdin, one case a line: base64(text) then NAME=base64(value) for each set variable.
// stdout, one line each: base64(result), or LOOP when the substitutor reports a cycle.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;

public class SubstitutorProbe {
  private static String decode(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    String line;
    while ((line = in.readLine()) != null) {
      String[] parts = line.split(" ", -1);
      Map<String, String> env = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        env.put(parts[i].substring(0, eq), decode(parts[i].substring(eq + 1)));
      }
      StringSubstitutor s = new StringSubstitutor(env::get);
      s.setEnableUndefinedVariableException(false);
      s.setEnableSubstitutionInVariables(false);
      try {
        String result = s.replace(decode(parts[0]));
        out.append(Base64.getEncoder().encodeToString(result.getBytes(StandardCharsets.UTF_8)));
      } catch (IllegalStateException e) {
        out.append("LOOP");
      }
      out.append('\n');
    }
    System.out.print(out);
  }
}
