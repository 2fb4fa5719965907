package dev.tandem.status;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * {@code /tandem/ui/}: the console, static files shipped in the plugin's jar (no build step at run
 * time) that read the status API next to them.
 */
@Path("/tandem/ui")
public class ConsoleResource {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    /** The page; {@code /tandem/ui} is sent on to {@code /tandem/ui/}, where the page's relative links work. */
    @GET
    public Response page(@Context UriInfo uri) {
        String path = uri.getAbsolutePath().toString();
        if (!path.endsWith("/")) {
            return Response.status(Response.Status.MOVED_PERMANENTLY).location(URI.create(path + "/")).build();
        }
        return file("index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name) {
        String type = FILES.get(name);
        if (type == null) {
            return Response.status(Response.Status.NOT_FOUND).type("text/plain").entity("No such file: " + name).build();
        }
        try (InputStream in = ConsoleResource.class.getResourceAsStream("ui/" + name)) {
            if (in == null) {
                return Response.status(Response.Status.NOT_FOUND).type("text/plain").entity("Missing from the plugin: " + name).build();
            }
            return Response.ok(in.readAllBytes(), type).header("Cache-Control", "no-cache").build();
        } catch (IOException e) {
            return Response.serverError().type("text/plain").entity("Cannot read " + name).build();
        }
    }
}
