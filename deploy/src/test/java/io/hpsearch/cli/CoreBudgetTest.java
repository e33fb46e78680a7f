package io.hpsearch.cli;

import io.hpsearch.cli.CommandRun.Outcome;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.hpsearch.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreBudgetTest {

    @Test
    void onlyTrialsOfSeveralThreadsBeyondTheCoresAreWarnedAbout() {
        assertEquals(Optional.empty(), CoreBudget.excess(1, 2, 2, "--threads 2"), "as many threads as cores");
        assertEquals(Optional.empty(), CoreBudget.excess(8, 1, 2, "--slots 8"), "single-thread trials only share the cores");
        String w = CoreBudget.excess(2, 2, 2, "--slots 2 × --threads-per-trial 2").orElseThrow();
        assertTrue(w.startsWith("warning: 4 training threads (--slots 2 × --threads-per-trial 2) on 2 cores:"), w);
        assertTrue(CoreBudget.excess(1, 3, 2, "--threads 3").isPresent());
    }

    @Test
    void workerAndLocalRefuseSlotsAndThreadsOutsideOneToMostNamingTheOption() {
        // refused before anything starts (no coordinator listens at --join)
        for (String[] args : new String[][] {
                {"worker", "--join", "127.0.0.1:9", "--slots", "100000"},
                {"worker", "--join", "127.0.0.1:9", "--slots", "0"},
                {"worker", "--join", "127.0.0.1:9", "--threads-per-trial", "1025"},
                {"local", "campaigns/fashion-mnist-quick.conf", "--slots", "1025"},
                {"local", "campaigns/fashion-mnist-quick.conf", "--threads-per-trial", "0"}}) {
            Outcome r = run(args);
            String option = args[args.length - 2], value = args[args.length - 1];
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals("hpsearch: error: " + option + " must be in 1.." + CoreBudget.MOST + ", got " + value, r.err().strip(),
                    String.join(" ", args));
        }
    }

    @Test
    void trainWarnsWhenItsThreadsExceedTheCores() {
        int cores = Runtime.getRuntime().availableProcessors();
        String[] args = {"train", "--dataset", "synthetic:train=400,test=100,dim=20,classes=3,sep=8", "--val", "100",
                "--hidden", "10", "--schedule", "constant", "--eta", "0.05", "--epochs", "1", "--threads", "T"};
        args[args.length - 1] = Integer.toString(cores + 1);
        Outcome over = run(args);
        assertEquals(0, over.code(), over.err());
        assertTrue(over.err().contains("warning: " + (cores + 1) + " training threads (--threads " + (cores + 1) + ") on "
                + cores + " cores"), over.err());
        args[args.length - 1] = Integer.toString(Math.max(1, cores));
        Outcome within = run(args);
        assertEquals(0, within.code(), within.err());
        assertFalse(within.err().contains("warning"), within.err());
    }
}
