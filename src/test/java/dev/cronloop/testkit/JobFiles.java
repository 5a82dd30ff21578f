package dev.cronloop.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes job files into a test's jobs folder. */
public final class JobFiles {
  private JobFiles() {}

  public static Path write(Path folder, String name, String yaml) throws IOException {
    Files.createDirectories(folder);
    return Files.writeString(folder.resolve(name), yaml);
  }

  /** Writes a urlsFrom file of {@code n} URLs {@code base + i}. */
  public static Path urls(Path folder, String name, String base, int n) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(base).append(i).append('\n');
    }
    Files.createDirectories(folder);
    return Files.writeString(folder.resolve(name), sb);
  }
}
