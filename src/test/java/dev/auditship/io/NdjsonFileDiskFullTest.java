package dev.auditship.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dead-letter or rejects line that the disk could not take whole leaves no fragment behind. */
class NdjsonFileDiskFullTest {
  @TempDir Path tmp;

  @Test
  void aLineCutShortByAFullDiskIsRemovedSoTheRetryWritesOneWholeLine() throws Exception {
    Path mount = tmp.resolve("small");
    Files.createDirectories(mount);
    Process m =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString())
            .redirectErrorStream(true)
            .start();
    Assumptions.assumeTrue(
        m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0,
        "cannot mount a tmpfs here (needs root on Linux)");
    try {
      Path f = mount.resolve("dead-letters.ndjson");
      NdjsonFile file = new NdjsonFile(f);
      file.append("{\"n\":1}");
      Path filler = mount.resolve("filler");
      Files.write(filler, new byte[64 * 1024 - 8192]);
      String big = "{\"n\":2,\"pad\":\"" + "x".repeat(20_000) + "\"}";
      assertThatThrownBy(() -> file.append(big)).isInstanceOf(IOException.class);
      assertThat(Files.readAllLines(f)).containsExactly("{\"n\":1}");
      Files.delete(filler);
      file.append(big);
      assertThat(Files.readAllLines(f)).containsExactly("{\"n\":1}", big);
      file.close();
    } finally {
      new ProcessBuilder("umount", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
