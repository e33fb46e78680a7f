package io.hpsearch.protocol;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClusterConfigTest {
    private static final String RECEPTIONIST_GOSSIP = "akka.cluster.typed.receptionist.distributed-data.gossip-interval";
    private static final List<String> SEEDS = List.of(ClusterConfig.address("127.0.0.1", 25520));

    @Test
    void onlyClientsGossipTheReceptionistsRegistryOften() {
        Config client = ClusterConfig.node(ClusterConfig.ROLE_CLIENT, "127.0.0.1", 0, SEEDS);
        Config worker = ClusterConfig.node(ClusterConfig.ROLE_WORKER, "127.0.0.1", 0, SEEDS);
        Config coordinator = ClusterConfig.node(ClusterConfig.ROLE_COORDINATOR, "127.0.0.1", 25520, SEEDS);
        assertEquals(Duration.ofMillis(200), client.getDuration(RECEPTIONIST_GOSSIP));
        // Akka's default for the long-lived members
        assertEquals(Duration.ofSeconds(2), worker.getDuration(RECEPTIONIST_GOSSIP));
        assertEquals(Duration.ofSeconds(2), coordinator.getDuration(RECEPTIONIST_GOSSIP));
        // the settings every role shares are there for each
        for (Config c : List.of(client, worker, coordinator)) {
            assertEquals(Duration.ofMillis(500), c.getDuration("akka.cluster.gossip-interval"));
            assertEquals("tcp", c.getString("akka.remote.artery.transport"));
        }
        assertEquals(List.of(ClusterConfig.ROLE_CLIENT), client.getStringList("akka.cluster.roles"));
    }

    @Test
    void overridesWinOverTheClientsSettings() {
        Config client = ClusterConfig.node(ClusterConfig.ROLE_CLIENT, "127.0.0.1", 0, SEEDS,
                ConfigFactory.parseString(RECEPTIONIST_GOSSIP + " = 1s"));
        assertEquals(Duration.ofSeconds(1), client.getDuration(RECEPTIONIST_GOSSIP));
    }
}
