package dev.cronloop.fetch;

import dev.cronloop.model.Outcome;

/** What a fetch came to: its outcome and, when not OK, a short reason. */
record Verdict(Outcome outcome, String error) {
  static final Verdict OK = new Verdict(Outcome.OK, null);
}
