package io.hpsearch.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * Configuration of one hpsearch cluster node: {@code hpsearch-cluster.conf} (Artery TCP, cluster
 * provider, Split Brain Resolver keep-oldest, slf4j logging) with the node's host, port, role and
 * seed nodes, and for a client node the file's {@code hpsearch.client-node} section over the rest;
 * a user's {@code application.conf} still overrides it.
 *
 * <p>Every node of one cluster must use the same ActorSystem name, {@link #SYSTEM_NAME}; a seed
 * node address is {@code akka://hpsearch@host:port}.
 */
public final class ClusterConfig {
    public static final String SYSTEM_NAME = "hpsearch";
    public static final String ROLE_COORDINATOR = "coordinator";
    public static final String ROLE_WORKER = "worker";
    public static final String ROLE_CLIENT = "client";
    /** Section of hpsearch-cluster.conf taken over the rest by client nodes only. */
    static final String CLIENT_NODE_SETTINGS = "hpsearch.client-node";

    private ClusterConfig() {
    }

    /**
     * @param role      one of the ROLE_ constants
     * @param host      address other nodes reach this one at
     * @param port      0 = any free port
     * @param seedNodes e.g. {@code akka://hpsearch@10.0.0.1:25520}; the coordinator lists itself
     * @param overrides anything else, taking precedence (e.g. from a user's config file)
     */
    public static Config node(String role, String host, int port, List<String> seedNodes, Config overrides) {
        Config node = ConfigFactory.empty()
                .withValue("akka.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("akka.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)))
                .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes));
        Config cluster = clusterFile();
        Config roleSettings = ROLE_CLIENT.equals(role) ? cluster.getConfig(CLIENT_NODE_SETTINGS) : ConfigFactory.empty();
        // the user's application.conf still wins over the role's settings
        return overrides.withFallback(node).withFallback(layered(roleSettings, cluster)).resolve();
    }

    public static Config node(String role, String host, int port, List<String> seedNodes) {
        return node(role, host, port, seedNodes, ConfigFactory.empty());
    }

    /** application.conf over hpsearch-cluster.conf over the reference.conf files. */
    public static Config base() {
        return layered(ConfigFactory.empty(), clusterFile());
    }

    /** application.conf over {@code roleSettings} over {@code cluster} over the reference.conf files. */
    private static Config layered(Config roleSettings, Config cluster) {
        ClassLoader loader = ClusterConfig.class.getClassLoader();
        return ConfigFactory.defaultApplication(loader).withFallback(roleSettings).withFallback(cluster)
                .withFallback(ConfigFactory.defaultReference(loader));
    }

    private static Config clusterFile() {
        return ConfigFactory.parseResources(ClusterConfig.class.getClassLoader(), "hpsearch-cluster.conf");
    }

    /**
     * Artery over TLS 1.3 with mutual authentication, for a node's overrides: the node presents the
     * key pair in {@code keyStore} (PKCS12) and accepts only peers whose certificate that same file
     * holds, so every node of a cluster uses one copy of the file. Host names are not checked (the
     * certificate names the cluster, not a machine). Every node of a cluster must use it, or none.
     *
     * @param password the keystore's and its key's password (PKCS12 has one for both)
     */
    public static Config tls(Path keyStore, String password) {
        String file = keyStore.toAbsolutePath().toString();
        return ConfigFactory.empty()
                .withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue(TLS + "key-store", ConfigValueFactory.fromAnyRef(file))
                .withValue(TLS + "trust-store", ConfigValueFactory.fromAnyRef(file))
                .withValue(TLS + "key-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(TLS + "key-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(TLS + "trust-store-password", ConfigValueFactory.fromAnyRef(password))
                .withValue(TLS + "protocol", ConfigValueFactory.fromAnyRef("TLSv1.3"))
                // TLS 1.3 suites do not depend on the key's type (RSA or EC)
                .withValue(TLS + "enabled-algorithms", ConfigValueFactory.fromIterable(
                        List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")))
                .withValue(TLS + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
                .withValue(TLS + "hostname-verification", ConfigValueFactory.fromAnyRef(false));
    }

    private static final String TLS = "akka.remote.artery.ssl.config-ssl-engine.";

    /** The seed-node address of a node of this cluster. */
    public static String address(String host, int port) {
        return "akka://" + SYSTEM_NAME + "@" + host + ":" + port;
    }
}
