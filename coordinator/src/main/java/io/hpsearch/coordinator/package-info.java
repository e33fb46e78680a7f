/**
 * The coordinator: campaign files ({@code campaign}), trial sampling and the fine-range rule
 * ({@code sampling}), ranking ({@code leaderboard}). The campaign actor, dispatch and journal are
 * built on these.
 */
package io.hpsearch.coordinator;
