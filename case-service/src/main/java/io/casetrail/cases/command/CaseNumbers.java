package io.casetrail.cases.command;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Hands out new, unique, human-readable case numbers ({@code 00123456}). */
@FunctionalInterface
public interface CaseNumbers {

    /** The next number, waiting for it if it must be drawn first. */
    String next();

    /**
     * The next number: at once when one is at hand, otherwise once it is drawn, on another thread (what is chained
     * to it then runs there). For a caller that must not wait, such as a request on the HTTP event loop. By default,
     * {@link #next()}'s number, for numbers that never wait (a test's).
     */
    default CompletionStage<String> nextAsync() {
        return CompletableFuture.completedFuture(next());
    }
}
