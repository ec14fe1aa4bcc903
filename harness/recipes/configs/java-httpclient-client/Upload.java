// The upload a Java program writes with java.net.http.HttpClient and expectContinue(true), run
// as a single-file source program (java Upload.java URL FILE). HTTP/1.1 is asked for, since the
// suite's server speaks nothing else (the default, HTTP/2, would first offer an h2c upgrade); the
// rest is the client's defaults, which follow no redirect. It prints the final response's
// content; an exception exits 1.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

public class Upload {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(args[0]))
                .expectContinue(true)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of(args[1])))
                .build();
        HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        System.out.write(resp.body());
        System.out.flush();
    }
}
