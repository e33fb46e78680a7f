package io.hpsearch.coordinator;

import akka.actor.Address;
import akka.cluster.Member;
import akka.cluster.MemberStatus;

/**
 * Where the node at a worker's address stands in the cluster, for telling whether the end of the
 * coordinator's watch of that worker means the worker is gone.
 *
 * <p>Why it is needed: Akka (2.6, {@code ClusterRemoteWatcher}) remembers removed members by
 * address, and a watch of an actor at the address of a removed member, made while no member at that
 * address is WeaklyUp or Up, ends at once ("triggered immediately because member was removed from
 * cluster"), whether the actor lives or not. That is what happens to a worker process that was
 * frozen (or whose node was downed for any reason) and came back: its node's old incarnation was
 * downed and removed, its new actor system joins at the same host and port, and its worker can
 * find the coordinator through the Receptionist and ask for work while the coordinator's node
 * still has the new node Joining (Joining lasts until the leader sees convergence, which a member
 * that is gone and not yet downed holds up for as long as that takes). The coordinator would then
 * take the worker for gone and release the lease it had just given it, which uses up an attempt
 * while the worker runs the trial. So a watch that ends while a member at the address is Joining
 * is made again once that member is WeaklyUp or Up, when it holds; one that ends while a member
 * there is WeaklyUp or Up is made again at once, in case the coordinator's node had not yet taken
 * that in. Either only once per ref: an actor that stopped on a live node is gone on the second end.
 */
enum WorkerNodeStatus {
    /** A member at the address is WeaklyUp or Up: a watch made now holds while the actor lives. */
    UP,
    /** A member at the address is Joining (and none is WeaklyUp or Up): a watch made now ends at once. */
    JOINING,
    /** No member at the address, or only ones on their way out (Leaving, Exiting, Down, Removed). */
    GONE;

    /** The status of the node at {@code address} among {@code members} (the cluster's current members). */
    static WorkerNodeStatus of(Iterable<Member> members, Address address) {
        WorkerNodeStatus best = GONE;
        for (Member m : members) {
            if (!m.address().equals(address)) continue;
            MemberStatus s = m.status();
            if (s == MemberStatus.up() || s == MemberStatus.weaklyUp()) return UP;
            if (s == MemberStatus.joining()) best = JOINING;
        }
        return best;
    }
}
