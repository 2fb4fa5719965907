package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** This worker's own Connect REST API, as the extension calls it: validate, create, pause, resume and delete connectors, with the caller's credentials. */
final class ConnectApi {

    record Answer(int status, String body) {
        /** A 2xx, or the 409 of a connector another request created first. */
        boolean createdOrThere() {
            return status < 300 || status == 409;
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String authorization;

    ConnectApi(HttpClient http, URI base, String authorization) {
        this.http = http;
        this.base = base;
        this.authorization = authorization;
    }

    /** Each connector's validation errors, by field (none: an empty map). */
    Map<String, Map<String, List<String>>> validate(List<ProjectPlan.Connector> connectors) {
        Map<String, Map<String, List<String>>> all = new LinkedHashMap<>();
        for (ProjectPlan.Connector c : connectors) {
            Map<String, String> config = new LinkedHashMap<>(c.config());
            config.put("name", c.name());
            Answer a = send("PUT", "connector-plugins/" + encode(c.connectorClass()) + "/config/validate", json(config));
            Map<String, List<String>> errors = new LinkedHashMap<>();
            if (a.status() >= 300) {
                errors.put("connector.class", List.of("config/validate answered " + a.status() + ": " + a.body()));
            } else {
                try {
                    for (JsonNode field : StatusTopic.JSON.readTree(a.body()).path("configs")) {
                        List<String> messages = new ArrayList<>();
                        field.path("value").path("errors").forEach(m -> messages.add(m.asText()));
                        if (!messages.isEmpty()) {
                            errors.put(field.path("value").path("name").asText(), messages);
                        }
                    }
                } catch (IOException e) {
                    errors.put("connector.class", List.of("unreadable config/validate answer: " + e.getMessage()));
                }
            }
            if (!errors.isEmpty()) {
                all.put(c.name(), errors);
            }
        }
        return all;
    }

    /**
     * {@code POST /connectors}: creates the connector, or answers 409 when it exists (so two workers
     * creating the same connector leave it as the first made it, without a reconfiguration).
     */
    Answer create(ProjectPlan.Connector c) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", c.name());
        request.put("config", c.config());
        return send("POST", "connectors", json(request));
    }

    /** {@code method} on {@code /connectors/<name><suffix>} without a body: a pause, resume or delete. */
    Answer connector(String method, String name, String suffix) {
        return send(method, "connectors/" + encode(name) + suffix, null);
    }

    private Answer send(String method, String resource, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(resource)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Answer(502, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, "interrupted");
        }
    }

    private static String json(Map<String, ?> config) {
        try {
            return StatusTopic.JSON.writeValueAsString(config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
