package dev.tandem.status;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The projects' numbers over JMX, the same on every worker (they come from the status topic):
 * {@code tandem:type=link,project=<p>,link=<l>,kind=<migration|sync>} per link and
 * {@code tandem:type=project,project=<p>} per project, with snake_case attributes ready for the
 * Prometheus JMX exporter ({@code docker/conf/jmx-exporter.yml}). Beans of links and projects
 * that are gone are removed.
 */
final class StatusMBeans implements AutoCloseable {

    private final MBeanServer server;
    private final Map<ObjectName, Bean> mine = new HashMap<>();

    StatusMBeans() {
        this(ManagementFactory.getPlatformMBeanServer());
    }

    StatusMBeans(MBeanServer server) {
        this.server = server;
    }

    /** Shows {@code results} (every project of the cluster) and removes the beans of anything else. */
    synchronized void show(Map<String, ProjectView.Result> results) {
        Set<ObjectName> seen = new HashSet<>();
        results.forEach((project, r) -> {
            Map<String, Double> totals = new HashMap<>();
            totals.put("state", (double) LinkView.STATES.indexOf(String.valueOf(r.document().get("status"))));
            totals.put("links", (double) r.links().size());
            totals.put("conflicts", ((Number) r.document().get("conflicts")).doubleValue());
            totals.put("dead_letters", ((Number) r.document().get("deadLetters")).doubleValue());
            seen.add(set(name("type=project,project=" + value(project)), totals));
            for (LinkView link : r.links()) {
                seen.add(set(name("type=link,project=" + value(project) + ",link=" + value(link.name())
                        + ",kind=" + link.kind()), link.metrics()));
            }
        });
        for (ObjectName gone : new HashSet<>(mine.keySet())) {
            if (!seen.contains(gone)) {
                unregister(gone);
            }
        }
    }

    private ObjectName set(ObjectName name, Map<String, Double> values) {
        Bean bean = mine.get(name);
        if (bean == null) {
            bean = new Bean();
            try {
                server.registerMBean(bean, name);
                mine.put(name, bean);
            } catch (InstanceAlreadyExistsException e) {
                // another worker of this JVM (tests run several) shows the same numbers
            } catch (JMException e) {
                throw new IllegalStateException("Cannot register " + name, e);
            }
        }
        bean.values = Map.copyOf(values);
        return name;
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            // already gone
        }
        mine.remove(name);
    }

    /** A key's value as is, quoted only when JMX needs it (a connector name with ',', '=', ':', '"', '*', '?' or a line break). */
    static String value(String v) {
        return v.matches("[^,=:\"*?\\n\\r]+") ? v : ObjectName.quote(v);
    }

    private static ObjectName name(String keys) {
        try {
            return new ObjectName("tandem:" + keys);
        } catch (JMException e) {
            throw new IllegalArgumentException(keys, e);
        }
    }

    @Override
    public synchronized void close() {
        new HashSet<>(mine.keySet()).forEach(this::unregister);
    }

    /** One bean: read-only numeric attributes. */
    static final class Bean implements DynamicMBean {
        private volatile Map<String, Double> values = Map.of();

        @Override
        public Object getAttribute(String attribute) {
            return values.getOrDefault(attribute, Double.NaN);
        }

        @Override
        public void setAttribute(Attribute attribute) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            AttributeList list = new AttributeList();
            for (String a : attributes) {
                list.add(new Attribute(a, getAttribute(a)));
            }
            return list;
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) {
            throw new UnsupportedOperationException(actionName);
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            MBeanAttributeInfo[] attributes = values.keySet().stream().sorted()
                    .map(k -> new MBeanAttributeInfo(k, "double", k, true, false, false)).toArray(MBeanAttributeInfo[]::new);
            return new MBeanInfo(Bean.class.getName(), "Tandem status", attributes, null, null, null);
        }
    }
}
