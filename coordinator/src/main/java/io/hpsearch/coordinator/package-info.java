/**
 * The coordinator: {@link io.hpsearch.coordinator.Coordinator} (queues campaigns, leases trials
 * to workers that ask, answers status and top-k queries; found through the Receptionist),
 * {@link io.hpsearch.coordinator.CoordinatorNode} (the ActorSystem with role coordinator, opening
 * the state directory). Packages: campaign files ({@code campaign}), trial sampling and the
 * fine-range rule ({@code sampling}), ranking ({@code leaderboard}), the queue and leases
 * ({@code dispatch}), the coordinator's state as journal events change it, one campaign's phases
 * and results ({@code state}), the journal file ({@code journal}), latency histograms
 * ({@code stats}), the client side for the command line ({@code client}) and the dispatch
 * benchmark ({@code bench}). The actor wires these together and holds no maths.
 */
package io.hpsearch.coordinator;
