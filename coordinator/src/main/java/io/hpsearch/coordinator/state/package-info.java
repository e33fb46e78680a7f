/**
 * What the coordinator must not forget, as a state machine driven by journal entries:
 * {@link io.hpsearch.coordinator.state.CoordinatorState} (every campaign and the trial queue with
 * its leases; {@code apply(JournalEntry)} is the only way it changes, live and on replay) and
 * {@link io.hpsearch.coordinator.state.CampaignRun} (one campaign: its phases in order, the fine
 * ranges, results and leaderboard). No actors and no clocks here, so that a replayed journal
 * gives back exactly the state that wrote it; {@code hpsearch results --state-dir} reads the
 * journal into the same classes.
 */
package io.hpsearch.coordinator.state;
