/**
 * The coordinator: {@link io.hpsearch.coordinator.Coordinator} (queues campaigns, leases trials
 * to workers that ask, answers status and top-k queries; found through the Receptionist),
 * {@link io.hpsearch.coordinator.CampaignActor} (one per campaign: phases in order, fine ranges,
 * leaderboard), {@link io.hpsearch.coordinator.CoordinatorNode} (the ActorSystem with role
 * coordinator). Packages: campaign files ({@code campaign}), trial sampling and the fine-range
 * rule ({@code sampling}), ranking ({@code leaderboard}), the queue and leases ({@code dispatch}),
 * latency histograms ({@code stats}), the client side for the command line ({@code client}) and
 * the dispatch benchmark ({@code bench}). The actors wire these together and hold no maths.
 */
package io.hpsearch.coordinator;
