package dev.cronloop;

import dev.cronloop.model.RunObserver;

/**
 * Listens to run and fetch outcomes of an {@link Engine}. Register one with {@link
 * EngineBuilder#listener(RunListener)}. Callbacks run on the engine's event loops: they must return
 * quickly and never block. Every callback about one job comes on the same event loop, in order;
 * callbacks about different jobs may come at once on different event loops, so a listener that
 * keeps state across jobs must be thread-safe.
 */
public interface RunListener extends RunObserver {}
