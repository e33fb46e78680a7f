package io.hpsearch.cli.cluster;

import io.hpsearch.cli.UserError;
import io.hpsearch.coordinator.client.CoordinatorClient;
import io.hpsearch.protocol.v1.CampaignAck;
import io.hpsearch.protocol.v1.CampaignSpec;
import io.hpsearch.protocol.v1.CampaignState;
import io.hpsearch.protocol.v1.CampaignStatus;
import io.hpsearch.protocol.v1.StatusAnswer;
import io.hpsearch.protocol.v1.TopKAnswer;
import io.hpsearch.protocol.v1.TopKQuery;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What {@code launch}, {@code results} and {@code local} do with a coordinator client. */
final class Campaigns {
    /** How often a followed campaign's status is polled. */
    static final Duration POLL = Duration.ofMillis(500);
    /**
     * Trials asked for when every result is wanted (the results files): no campaign has more (100
     * phases of up to 100,000 trials each can hold 10,000,000, so a smaller cap would drop rows).
     */
    static final int ALL = Integer.MAX_VALUE;

    private Campaigns() {
    }

    /**
     * The answer of a client call; a coordinator that cannot be found or does not answer is the
     * user's to fix (wrong address, coordinator not started), named by {@code where}.
     */
    static <T> T await(CompletionStage<T> stage, Duration timeout, String where) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for the coordinator at " + where, e);
        } catch (TimeoutException e) {
            throw new CoordinatorUnreachable(noAnswer(where, timeout), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException || cause instanceof akka.pattern.AskTimeoutException) {
                throw new CoordinatorUnreachable(noAnswer(where, timeout) + ": " + cause.getMessage(), cause);
            }
            throw new IllegalStateException("asking the coordinator at " + where + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName()), cause);
        }
    }

    private static String noAnswer(String where, Duration timeout) {
        return "no answer from a coordinator at " + where + " within " + timeout.toSeconds()
                + " s (is it running, reachable from this machine, and on the same --tls-keystore, or none?)";
    }

    static void submit(CoordinatorClient client, CampaignSpec spec, Duration timeout, String where) {
        CampaignAck ack = await(client.submit(spec), timeout, where);
        if (!ack.getAccepted()) {
            throw new UserError("the coordinator at " + where + " refused campaign " + spec.getName() + ": " + ack.getError());
        }
    }

    static boolean finished(CampaignState s) {
        return s == CampaignState.CAMPAIGN_STATE_COMPLETED || s == CampaignState.CAMPAIGN_STATE_CANCELLED
                || s == CampaignState.CAMPAIGN_STATE_FAILED;
    }

    static String stateName(CampaignState s) {
        return s.name().replace("CAMPAIGN_STATE_", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** A cancelled campaign's reason in parentheses, to follow its state in a sentence; "" when it has none. */
    static String reason(CampaignStatus c) {
        return c.getCancelReason().isEmpty() ? "" : " (" + c.getCancelReason() + ")";
    }

    static CampaignStatus status(CoordinatorClient client, String campaign, Duration timeout, String where) {
        StatusAnswer a = await(client.status(campaign, false), timeout, where);
        if (!a.getError().isEmpty()) throw new UserError(a.getError() + " on the coordinator at " + where);
        return a.getCampaignsList().stream().filter(c -> c.getCampaign().equals(campaign)).findFirst()
                .orElseThrow(() -> new UserError("no campaign " + campaign + " on the coordinator at " + where));
    }

    /** One look at a followed campaign's status; notices (e.g. a lost coordinator) go through {@code progress}. */
    @FunctionalInterface
    interface Poll {
        CampaignStatus next(CampaignProgress progress) throws InterruptedException;
    }

    /**
     * Polls the campaign's status, showing it on {@code progress}, until it has ended and no trial
     * of it runs any more (a cancelled campaign's running trials are recorded once their workers
     * have stopped them, so the table is complete only then). The caller closes the progress: a
     * shutdown hook may have to close it first ({@link StopHook}).
     */
    static CampaignStatus follow(Poll poll, CampaignProgress progress) throws InterruptedException {
        while (true) {
            CampaignStatus s = poll.next(progress);
            progress.update(s);
            if (finished(s.getState()) && CampaignProgress.running(s) == 0) return s;
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The table's rows: the {@code k} best (k ≤ 0: the campaign's top-k), without their curves. */
    static TopKAnswer topK(CoordinatorClient client, String campaign, int k, Duration timeout, String where) {
        return topK(client, campaign, "", k, timeout, where);
    }

    /** {@link #topK(CoordinatorClient, String, int, Duration, String)} of one phase ("" for every phase). */
    static TopKAnswer topK(CoordinatorClient client, String campaign, String phase, int k, Duration timeout, String where) {
        return topK(client, TopKQuery.newBuilder().setCampaign(campaign).setPhase(phase).setK(k).setWithoutCurves(true).build(),
                timeout, where);
    }

    /** Every result of the campaign with its curves and confusion matrix: what the results files hold. */
    static TopKAnswer allResults(CoordinatorClient client, String campaign, Duration timeout, String where) {
        // with the spec: the results files hold each trial's train command, generated from it
        return topK(client, TopKQuery.newBuilder().setCampaign(campaign).setK(ALL).setWithSpec(true).build(), timeout, where);
    }

    /** Every page of the answer (a long one comes in several, each under the transport's frame size). */
    private static TopKAnswer topK(CoordinatorClient client, TopKQuery query, Duration timeout, String where) {
        TopKAnswer a = await(client.allTopK(query), timeout, where);
        if (!a.getError().isEmpty()) throw new UserError(a.getError() + " on the coordinator at " + where);
        return a;
    }
}
