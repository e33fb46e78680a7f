package io.hpsearch.nn.fast;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TeamTest {
    /** Runs {@code runs} tasks on {@code team}; each records the team's thread count as its members saw it. */
    private static List<Integer> run(Team team, int runs, boolean memberOneLate) {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            int[] threads = new int[2];
            team.run(member -> {
                threads[member] = team.threads();
                // a member the OS has descheduled: the caller spins out and parks at the end barrier
                if (memberOneLate && member == 1) sleep();
            });
            if (threads[0] == 2) assertEquals(2, threads[1], "both members of a run see the same count");
            seen.add(threads[0]);
        }
        return seen;
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aContendedTeamRunsAloneForAWhileThenTriesAgainForLongerEachTime() {
        try (Team team = Team.create(2)) {
            // every run waits for a late member: after one window the caller goes solo
            List<Integer> contended = run(team, Team.WINDOW, true);
            assertTrue(contended.stream().allMatch(t -> t == 2), contended.toString());
            List<Integer> solo = run(team, Team.MIN_SOLO, true);
            assertTrue(solo.stream().allMatch(t -> t == 1), "a solo period of " + Team.MIN_SOLO + " runs: " + solo);
            // back to the team; still contended, so the next solo period is twice as long
            List<Integer> again = run(team, Team.WINDOW, true);
            assertTrue(again.stream().allMatch(t -> t == 2), again.toString());
            List<Integer> longer = run(team, 2 * Team.MIN_SOLO + 1, true);
            assertTrue(longer.subList(0, 2 * Team.MIN_SOLO).stream().allMatch(t -> t == 1), longer.toString());
            assertEquals(2, longer.get(2 * Team.MIN_SOLO), "the team again after " + 2 * Team.MIN_SOLO + " solo runs");
            assertEquals(2, team.size());
        }
    }

    @Test
    void soloRunsLeaveTheTeamUsableAndEveryMembersShareIsDone() {
        try (Team team = Team.create(3)) {
            int[] done = new int[3];
            team.soloFor(2);
            for (int i = 0; i < 4; i++) {
                // each member adds its share of 30 items, cut by the count of the run
                team.run(member -> {
                    int threads = team.threads();
                    for (int m = member; m < 3; m += threads) {
                        synchronized (done) {
                            done[m] += 10;
                        }
                    }
                    team.barrier(member);
                });
            }
            assertEquals(List.of(40, 40, 40), List.of(done[0], done[1], done[2]));
        }
    }
}
