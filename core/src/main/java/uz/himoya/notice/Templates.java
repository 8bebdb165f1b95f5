package uz.himoya.notice;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Qute templates under himoya/templates, parsed on first use and cached (a function that never sends a
 * mail never parses one: less work in a cold start). HTML templates are parsed as text/html, so every
 * value is escaped.
 */
@ApplicationScoped
public class Templates {
    private final Engine engine;
    private final Map<String, Template> cache = new ConcurrentHashMap<>();

    public Templates(Engine engine) {
        this.engine = engine;
    }

    public String render(String name, Map<String, Object> data) {
        Template t = cache.computeIfAbsent(name, this::parse);
        var instance = t.instance();
        data.forEach(instance::data);
        return instance.render();
    }

    private Template parse(String name) {
        String resource = "himoya/templates/" + name;
        try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing template " + resource);
            }
            String type = name.endsWith(".html") ? Variant.TEXT_HTML : Variant.TEXT_PLAIN;
            return engine.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    new Variant(null, type, StandardCharsets.UTF_8.name()), name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
