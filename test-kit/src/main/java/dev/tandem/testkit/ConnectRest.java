package dev.tandem.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A client of one Connect worker's REST API, as a user's tooling would call it: the same calls
 * for the in-JVM worker and for a worker running as its own process.
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;

    /** @param baseUrl the worker's root URL, e.g. {@code http://127.0.0.1:8083/} */
    public ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String get(String resource) {
        return call("GET", resource, null);
    }

    public String put(String resource, String jsonBody) {
        return call("PUT", resource, jsonBody);
    }

    public String delete(String resource) {
        return call("DELETE", resource, null);
    }

    /** {@code PUT /connectors/<name>/config}. */
    public void configure(String name, Map<String, String> config) {
        try {
            put("connectors/" + name + "/config", JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /connectors/<name>/status}. */
    public JsonNode status(String name) {
        return json(get("connectors/" + name + "/status"));
    }

    /** Waits until the connector and at least {@code tasks} tasks are RUNNING; fails early with the trace of a FAILED one. */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        await("connector " + name + " running with " + tasks + " task(s)").atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e.getMessage() != null && e.getMessage().contains("answered 404"))
                .until(() -> {
                    JsonNode status = status(name);
                    failIfFailed(name, status);
                    int running = 0;
                    for (JsonNode t : status.path("tasks")) {
                        running += "RUNNING".equals(t.path("state").asText()) ? 1 : 0;
                    }
                    return "RUNNING".equals(status.path("connector").path("state").asText()) && running >= tasks;
                });
    }

    private static void failIfFailed(String name, JsonNode status) {
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            throw new AssertionError("connector " + name + " FAILED: " + status.path("connector").path("trace").asText());
        }
        for (JsonNode t : status.path("tasks")) {
            if ("FAILED".equals(t.path("state").asText())) {
                throw new AssertionError("task " + name + "-" + t.path("id").asText() + " FAILED: " + t.path("trace").asText());
            }
        }
    }

    /** Every connector's state and, for failed tasks, the last exception line of the trace. */
    public String statusSummary() {
        StringBuilder out = new StringBuilder();
        try {
            JsonNode all = json(get("connectors?expand=status"));
            for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode status = e.getValue().path("status");
                out.append(e.getKey()).append('=').append(status.path("connector").path("state").asText());
                for (JsonNode t : status.path("tasks")) {
                    out.append(" task").append(t.path("id").asText()).append('=').append(t.path("state").asText());
                    String trace = t.path("trace").asText("");
                    if (!trace.isEmpty()) {
                        out.append(" (").append(trace.lines().filter(l -> l.contains("Exception")).reduce((a, b) -> b)
                                .orElse(trace.lines().findFirst().orElse(""))).append(')');
                    }
                }
                out.append("; ");
            }
        } catch (RuntimeException e) {
            out.append("status unavailable: ").append(e.getMessage());
        }
        return out.toString();
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    /** What the worker answered: the HTTP status and the body. */
    public record Answer(int status, String body) {
    }

    /** One REST call as a user's tooling makes it, whatever the worker answers (no exception for a 4xx or 5xx). */
    public Answer send(String method, String resource, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + resource))
                .timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + resource + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + resource, e);
        }
    }

    private String call(String method, String resource, String jsonBody) {
        Answer answer = send(method, resource, jsonBody);
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException(method + " " + resource + " answered " + answer.status() + ": " + answer.body());
        }
        return answer.body();
    }
}
