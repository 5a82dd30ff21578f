package dev.cronloop.definition;

import java.nio.file.Path;

/**
 * One thing wrong with a job file, at a place a person can go to. Prints as {@code
 * FILE:LINE:COL: message}. Line and column are 1-based; 0 means "the whole file".
 */
public record Problem(Path file, int line, int column, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
