// GETs each URL given on the command line the way a Java service such as the OpenMetadata
// server does (java.net.URI + java.net.http.HttpClient) and prints one line per URL:
// "<status> <url>", or "refused <url>: <reason>" when Java does not accept it as a URI.
// Run as a single-file program: java tests/suite/support/UrlGet.java URL...
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class UrlGet {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String url : args) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
                HttpResponse<Void> response =
                        client.send(request, HttpResponse.BodyHandlers.discarding());
                System.out.println(response.statusCode() + " " + url);
            } catch (IllegalArgumentException e) {
                System.out.println("refused " + url + ": " + e.getMessage());
            }
        }
    }
}
