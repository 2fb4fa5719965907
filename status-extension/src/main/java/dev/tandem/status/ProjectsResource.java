package dev.tandem.status;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.apache.kafka.connect.health.ConnectClusterState;

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

/**
 * {@code /tandem/v1/projects}: the projects of this Connect cluster (connectors grouped by
 * {@code tandem.project}) with their status, and pause, resume and delete of a whole project. The
 * actions go through this worker's own Connect REST API, so they are checked and forwarded to the
 * leader as any request is; the caller's Authorization header goes with them.
 */
@Path("/tandem/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectsResource {

    private final ConnectClusterState cluster;
    private final StatusTopic topic;
    private final ProjectView view;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ProjectsResource(ConnectClusterState cluster, StatusTopic topic, ProjectView view) {
        this.cluster = cluster;
        this.topic = topic;
        this.view = view;
    }

    @GET
    public Response projects() {
        var entries = topic.entries();
        List<Map<String, Object>> all = new ArrayList<>();
        ConnectorInfo.byProject(cluster).forEach((name, list) -> all.add(view.view(name, list, entries).document()));
        return json(200, all);
    }

    @GET
    @Path("/{name}")
    public Response project(@PathParam("name") String name) {
        List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
        if (connectors == null) {
            return notFound(name);
        }
        return json(200, view.view(name, connectors, topic.entries()).document());
    }

    @PUT
    @Path("/{name}/pause")
    public Response pause(@PathParam("name") String name, @Context UriInfo uri,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return each(name, uri, authorization, "PUT", "/pause");
    }

    @PUT
    @Path("/{name}/resume")
    public Response resume(@PathParam("name") String name, @Context UriInfo uri,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return each(name, uri, authorization, "PUT", "/resume");
    }

    /** Deletes every connector of the project, and the project's records in the status topic. */
    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name, @Context UriInfo uri,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
        Response r = each(name, uri, authorization, "DELETE", "");
        if (connectors != null && r.getStatus() == 200) {
            for (ConnectorInfo c : connectors) {
                topic.delete(StatusTopic.STEPS + c.name());
                topic.delete(StatusTopic.VERIFICATION + c.name());
                topic.delete(TaskSample.key(c.name(), -1));
                c.tasks().forEach(t -> topic.delete(TaskSample.key(c.name(), t.id())));
            }
        }
        return r;
    }

    /** Sends {@code method} to {@code /connectors/<c><suffix>} for each connector of the project; 200 when all answered 2xx. */
    private Response each(String name, UriInfo uri, String authorization, String method, String suffix) {
        List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
        if (connectors == null) {
            return notFound(name);
        }
        Map<String, Object> answers = new LinkedHashMap<>();
        boolean ok = true;
        for (ConnectorInfo c : connectors) {
            URI target = uri.getBaseUri().resolve("connectors/" + URLEncoder.encode(c.name(), StandardCharsets.UTF_8)
                    .replace("+", "%20") + suffix);
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(90))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (authorization != null) {
                request.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                answer.put("status", response.statusCode());
                if (response.statusCode() >= 300) {
                    answer.put("message", response.body());
                    ok = false;
                }
            } catch (IOException e) {
                answer.put("status", 502);
                answer.put("message", e.getMessage());
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return json(503, Map.of("error_code", 503, "message", "interrupted"));
            }
            answers.put(c.name(), answer);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", name);
        doc.put("connectors", answers);
        return json(ok ? 200 : 502, doc);
    }

    private static Response notFound(String name) {
        return json(404, Map.of("error_code", 404, "message", "No project '" + name + "': no connector of this cluster "
                + "has tandem.project=" + name));
    }

    private static Response json(int status, Object body) {
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON)
                    .entity(StatusTopic.JSON.writeValueAsString(body)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
