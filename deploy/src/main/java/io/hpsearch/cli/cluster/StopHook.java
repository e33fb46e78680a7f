package io.hpsearch.cli.cluster;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a command that waits for a campaign ({@code launch}, {@code watch}, {@code local}) says when
 * Ctrl-C (or SIGTERM) stops it. The JVM then runs its shutdown hooks and exits; this one says what
 * became of the campaign and interrupts the command's thread. That thread may meanwhile fail in
 * several ways (its sleep interrupted, its wait for an answer cut short, Akka's own hooks ending the
 * nodes it asks), none of which is news to the user, and must say nothing more.
 *
 * <p>Whichever comes first, the hook or the command's {@link #settle()} once the campaign has ended,
 * has the last word: the other one prints nothing.
 */
final class StopHook {
    /**
     * The exit code of a command that Ctrl-C stopped: what a shell reports for a command SIGINT
     * ended (128 + 2), and the JVM's own exit code then.
     */
    static final int EXIT_STOPPED = 130;

    private static final int OPEN = 0;
    private static final int COMMAND = 1;
    private static final int HOOK = 2;

    /** Who has the last word: {@link #OPEN} until the command settles or the hook runs. */
    private final AtomicInteger word = new AtomicInteger(OPEN);
    private final Thread hook;

    /** Registers the hook, named {@code name}: on Ctrl-C, {@code say} runs unless the command has settled. */
    StopHook(String name, Runnable say) {
        Thread command = Thread.currentThread();
        hook = new Thread(() -> {
            if (!word.compareAndSet(OPEN, HOOK)) return;
            say.run();
            // the JVM exits once its hooks have run; until then the command has nothing more to do
            command.interrupt();
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Takes the last word from the hook (if the command does not have it yet) and removes the hook.
     * False if the hook has it (it has run or is running: the JVM is exiting): the command then
     * returns {@link #EXIT_STOPPED} and prints nothing, whatever failed on its side.
     */
    boolean settle() {
        if (!word.compareAndSet(OPEN, COMMAND)) return word.get() == COMMAND;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM has begun to exit: the hook, when it runs, finds the command settled and says nothing
        }
        return true;
    }
}
