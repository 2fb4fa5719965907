package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
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
import java.net.http.HttpClient;
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
    private final String bootstrapServers;
    private final PendingLinks pending;

    ProjectsResource(ConnectClusterState cluster, StatusTopic topic, ProjectView view, String bootstrapServers,
                     PendingLinks pending) {
        this.cluster = cluster;
        this.topic = topic;
        this.view = view;
        this.bootstrapServers = bootstrapServers;
        this.pending = pending;
    }

    /**
     * Creates a project from one description ({@link ProjectPlan}): every connector is validated
     * first (Connect's config/validate, which runs Tandem's precheck) and nothing is created when
     * one has errors (400, with the errors per connector and field). The forward link is created
     * now; an active-active project's reverse link once the forward link's schema step is done
     * (201, naming it as pending). Connectors that exist already are left as they are, so the same
     * description can be sent again.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body, @Context UriInfo uri, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answering(() -> createProject(body, uri, authorization));
    }

    /**
     * The answer of {@code request}, or 503 (retry) when Connect's herder cannot answer: a
     * rebalance in progress, a worker starting. Nothing was created or changed by then.
     */
    private static Response answering(java.util.function.Supplier<Response> request) {
        try {
            return request.get();
        } catch (org.apache.kafka.connect.errors.ConnectException e) {
            return json(503, Map.of("error_code", 503, "message", "The Connect cluster cannot answer now, retry: " + e.getMessage()));
        }
    }

    private Response createProject(String body, UriInfo uri, String authorization) {
        ProjectPlan plan;
        JsonNode description;
        try {
            description = StatusTopic.JSON.readTree(body);
            plan = ProjectPlan.of(description, bootstrapServers);
        } catch (IOException e) {
            return json(400, Map.of("error_code", 400, "message", "The body is not JSON: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            return json(400, Map.of("error_code", 400, "message", "Project description: " + e.getMessage()));
        }
        ConnectApi api = new ConnectApi(http, uri.getBaseUri(), authorization);
        List<String> existing = new ArrayList<>(cluster.connectors());
        List<ProjectPlan.Connector> now = plan.first().stream().filter(c -> !existing.contains(c.name())).toList();
        Map<String, Map<String, List<String>>> errors = api.validate(now);
        if (!errors.isEmpty()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("error_code", 400);
            doc.put("message", "Validation failed: nothing was created");
            doc.put("errors", errors);
            return json(400, doc);
        }
        List<String> created = new ArrayList<>();
        List<String> there = new ArrayList<>(plan.first().stream().map(ProjectPlan.Connector::name).filter(existing::contains).toList());
        for (ProjectPlan.Connector c : now) {
            ConnectApi.Answer a = api.create(c);
            if (!a.createdOrThere()) {
                return json(502, Map.of("error_code", 502, "message", "Creating " + c.name() + " failed: " + a.body(),
                        "created", created));
            }
            (a.status() == 409 ? there : created).add(c.name());
        }
        List<String> later = plan.afterSchema().stream().map(ProjectPlan.Connector::name).filter(n -> !existing.contains(n)).toList();
        if (!later.isEmpty()) {
            try {
                pending.add(plan, description, api);
            } catch (IllegalStateException e) {
                return json(502, Map.of("error_code", 502, "message", "The forward link is created, but the reverse link "
                        + "cannot wait for it (" + e.getMessage() + "): send the same description again", "created", created));
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", plan.name());
        doc.put("created", created);
        doc.put("existing", there);
        doc.put("pending", later);
        if (!later.isEmpty()) {
            doc.put("waitingFor", "the schema step of link " + plan.forwardLink());
        }
        return json(201, doc);
    }

    @GET
    public Response projects() {
        return answering(this::all);
    }

    private Response all() {
        var entries = topic.entries();
        List<Map<String, Object>> all = new ArrayList<>();
        ConnectorInfo.byProject(cluster).forEach((name, list) -> all.add(view.view(name, list, entries).document()));
        return json(200, all);
    }

    @GET
    @Path("/{name}")
    public Response project(@PathParam("name") String name) {
        return answering(() -> one(name));
    }

    private Response one(String name) {
        List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
        if (connectors == null) {
            return notFound(name);
        }
        Map<String, Object> doc = view.view(name, connectors, topic.entries()).document();
        Map<String, Object> waiting = pending.describe(name);
        if (waiting != null) {
            doc.put("pending", waiting);
        }
        return json(200, doc);
    }

    @PUT
    @Path("/{name}/pause")
    public Response pause(@PathParam("name") String name, @Context UriInfo uri,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answering(() -> each(name, uri, authorization, "PUT", "/pause"));
    }

    @PUT
    @Path("/{name}/resume")
    public Response resume(@PathParam("name") String name, @Context UriInfo uri,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answering(() -> each(name, uri, authorization, "PUT", "/resume"));
    }

    /** Deletes every connector of the project, and the project's records in the status topic. */
    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name, @Context UriInfo uri,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return answering(() -> deleteProject(name, uri, authorization));
    }

    private Response deleteProject(String name, UriInfo uri, String authorization) {
        List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
        pending.cancel(name);
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
    // deleting a project also drops the links still waiting to be created
    private Response each(String name, UriInfo uri, String authorization, String method, String suffix) {
        List<ConnectorInfo> connectors = ConnectorInfo.byProject(cluster).get(name);
        if (connectors == null) {
            return notFound(name);
        }
        Map<String, Object> answers = new LinkedHashMap<>();
        boolean ok = true;
        ConnectApi api = new ConnectApi(http, uri.getBaseUri(), authorization);
        for (ConnectorInfo c : connectors) {
            ConnectApi.Answer a = api.connector(method, c.name(), suffix);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("status", a.status());
            if (a.status() >= 300) {
                answer.put("message", a.body());
                ok = false;
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
