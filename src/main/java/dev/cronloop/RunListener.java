package dev.cronloop;

import dev.cronloop.model.RunObserver;

/**
 * Listens to run and fetch outcomes of an {@link Engine}. Register one with {@link
 * EngineBuilder#listener(RunListener)}. Callbacks run on the engine's event-loop context: they
 * must return quickly and never block.
 */
public interface RunListener extends RunObserver {}
