package dev.xaa4j.connector.host.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the on-demand agent that need no real agent: a start that fails is one clear {@link
 * BrokerNotRunningException} naming the log (and not tried again), a start that never answers is bounded, the
 * agent's output goes to the log (rotated), and the idle watch fires only without clients. The real agent:
 * vscode-bridge's AgentOnDemandTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentLauncherTest {

    @TempDir
    Path dir;

    private Path socket() {
        return dir.resolve("run").resolve("broker.sock");
    }

    @Test
    void anAgentThatExitsIsOneFailureNamingItsLogAndIsNotStartedAgain() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        Path log = dir.resolve("state").resolve("agent.log");
        Path starts = dir.resolve("starts");
        AgentLauncher launcher = new AgentLauncher(socket(), List.of("/bin/sh", "-c",
                "echo started >> '" + starts + "'; echo 'xaa agent: cannot serve: no keyring' >&2; exit 3"),
                log, Duration.ofSeconds(20), name -> false);
        assertThatThrownBy(launcher::connect).isInstanceOf(BrokerNotRunningException.class)
                .hasMessageContaining("could not start the xaa agent: it exited with code 3").hasMessageContaining(log.toString());
        assertThat(launcher.failure()).isPresent();
        assertThat(Files.readString(log)).contains("started on demand by pid " + ProcessHandle.current().pid(),
                "xaa agent: cannot serve: no keyring");
        assertThatThrownBy(launcher::connect).isInstanceOf(BrokerNotRunningException.class);
        assertThat(Files.readAllLines(starts)).as("not started again").hasSize(1);
    }

    @Test
    void anAgentThatNeverAnswersIsGivenUpAfterTheWait() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        AgentLauncher launcher = new AgentLauncher(socket(), List.of("/bin/sh", "-c", "sleep 5"),
                dir.resolve("agent.log"), Duration.ofMillis(500), name -> false);
        assertThatThrownBy(launcher::connect).isInstanceOf(BrokerNotRunningException.class)
                .hasMessageContaining("did not answer within");
    }

    @Test
    void aLargeLogIsMovedAsideBeforeTheNextStartAndSecretVariablesAreNotPassedOn() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        Path log = dir.resolve("agent.log");
        Files.write(log, new byte[(int) AgentLauncher.LOG_LIMIT_BYTES + 1]);
        AgentLauncher launcher = new AgentLauncher(socket(), List.of("/bin/sh", "-c", "echo \"home=${HOME:-dropped}\"; exit 1"),
                log, Duration.ofSeconds(20), "HOME"::equals);
        assertThatThrownBy(launcher::connect).isInstanceOf(BrokerNotRunningException.class);
        assertThat(Files.size(log.resolveSibling("agent.log.1"))).isEqualTo(AgentLauncher.LOG_LIMIT_BYTES + 1);
        assertThat(Files.readString(log)).as("a variable named is not passed on").contains("home=dropped\n");
    }

    @Test
    void theLogAndItsRotatedCopyAreOwnerOnlyAndASymbolicLinkIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path log = dir.resolve("agent.log");
        Files.write(log, new byte[(int) AgentLauncher.LOG_LIMIT_BYTES + 1]);
        Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r--r--"));
        AgentLauncher launcher = new AgentLauncher(socket(), List.of("/bin/sh", "-c", "echo ran; exit 1"), log,
                Duration.ofSeconds(20), name -> false);
        assertThatThrownBy(launcher::connect).isInstanceOf(BrokerNotRunningException.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.resolveSibling("agent.log.1"))))
                .isEqualTo("rw-------");
        Path fresh = dir.resolve("fresh").resolve("agent.log");
        assertThatThrownBy(new AgentLauncher(dir.resolve("run2").resolve("broker.sock"), List.of("/bin/sh", "-c", "exit 1"),
                fresh, Duration.ofSeconds(20), name -> false)::connect).isInstanceOf(BrokerNotRunningException.class);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");

        Path elsewhere = dir.resolve("elsewhere");
        Path linked = dir.resolve("linked").resolve("agent.log");
        Files.createDirectories(linked.getParent());
        Files.createSymbolicLink(linked, elsewhere);
        assertThatThrownBy(new AgentLauncher(dir.resolve("run3").resolve("broker.sock"), List.of("/bin/sh", "-c",
                "echo ran; exit 1"), linked, Duration.ofSeconds(20), name -> false)::connect)
                .isInstanceOf(BrokerNotRunningException.class).hasMessageContaining("is a symbolic link");
        assertThat(elsewhere).as("nothing written through the link").doesNotExist();
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.SECONDS)
    void aTakeOverFromABrokerThatNeverAnswersIsFalseNotAnExceptionWithinTheWait() throws Exception {
        Path socket = socket();
        BrokerSocket.prepareDirectory(socket);
        try (java.nio.channels.ServerSocketChannel silent = java.nio.channels.ServerSocketChannel
                .open(java.net.StandardProtocolFamily.UNIX)) {
            silent.bind(java.net.UnixDomainSocketAddress.of(socket)); // accepts (backlog), never says hello
            AtomicBoolean served = new AtomicBoolean();
            assertThat(AgentLauncher.takeOver(socket, Duration.ofSeconds(1), () -> {
                served.set(true);
                return true;
            })).isFalse();
            assertThat(served).as("nothing served over a broker that may still run").isFalse();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.SECONDS)
    void aTakeOverAsksAgainWhenTheBrokerRefusesWhileItClosesAndServesOnceItIsGone() throws Exception {
        Path socket = socket();
        BrokerSocket.prepareDirectory(socket);
        java.nio.channels.ServerSocketChannel closing = java.nio.channels.ServerSocketChannel
                .open(java.net.StandardProtocolFamily.UNIX);
        closing.bind(java.net.UnixDomainSocketAddress.of(socket));
        Thread broker = new Thread(() -> { // a broker shutting down: it refuses the one connection "busy", then goes
            try (closing; java.nio.channels.SocketChannel c = closing.accept()) {
                c.write(java.nio.ByteBuffer.wrap((BrokerConnection.error(null, "busy",
                        "too many clients are connected to the broker") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(socket);
                } catch (java.io.IOException ignored) {
                    // the assertion below reports it
                }
            }
        }, "closing-broker");
        broker.start();
        AtomicBoolean served = new AtomicBoolean();
        assertThat(AgentLauncher.takeOver(socket, Duration.ofSeconds(5), () -> {
            served.set(true);
            return true;
        })).as("the socket is taken over once the refusing broker is gone").isTrue();
        assertThat(served).isTrue();
        broker.join();
    }

    @Test
    void aSocketDirectoryThatCannotBeMadeIsOneRecordedFailureNotAnotherException() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        AgentLauncher launcher = new AgentLauncher(file.resolve("run").resolve("broker.sock"), List.of("/bin/sh", "-c",
                "exit 0"), dir.resolve("agent.log"), Duration.ofSeconds(20), name -> false);
        assertThatThrownBy(launcher::connect).isInstanceOf(BrokerNotRunningException.class)
                .hasMessageContaining("could not start the xaa agent: cannot").hasMessageContaining("broker directory " + file.resolve("run"));
        assertThat(launcher.failure()).isPresent();
        assertThat(dir.resolve("agent.log")).as("not started").doesNotExist();
    }

    @Test
    void anAgentThatAcceptsButNeverSaysHelloIsAFailureWithinTheWait() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        Path started = dir.resolve("started");
        Path socket = socket();
        AgentLauncher launcher = new AgentLauncher(socket, List.of("/bin/sh", "-c", "touch '" + started + "'; sleep 20"),
                dir.resolve("agent.log"), Duration.ofSeconds(4), name -> false);
        java.util.concurrent.CompletableFuture<BrokerClient> connecting =
                java.util.concurrent.CompletableFuture.supplyAsync(launcher::connect);
        Awaitility.await("the agent was spawned").atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));
        try (java.nio.channels.ServerSocketChannel silent = java.nio.channels.ServerSocketChannel
                .open(java.net.StandardProtocolFamily.UNIX)) {
            silent.bind(java.net.UnixDomainSocketAddress.of(socket)); // accepts (backlog), never says hello
            assertThatThrownBy(() -> connecting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(BrokerNotRunningException.class)
                    .hasMessageContaining("did not answer within 4 s");
        }
        assertThat(launcher.failure()).as("recorded: told once, not started again").isPresent();
    }

    @Test
    void withoutSetsidTheAgentIgnoresTheTerminalsInterruptAndHangUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        List<String> wrapped = AgentLauncher.sessionOfItsOwn(List.of("/bin/sh", "-c", "kill -INT $$; kill -HUP $$; echo survived"),
                List.of(dir.toString())); // no setsid there
        Process p = new ProcessBuilder(wrapped).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("Ctrl-C or a closed terminal does not end it").contains("survived");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aSpawnLockHeldByAProcessThatStartsNothingIsGivenUpAndFreedWhenThatProcessIsKilled() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")));
        Path socket = socket();
        BrokerSocket.prepareDirectory(socket);
        Path hold = Files.writeString(dir.resolve("Hold.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.Path;
                import java.nio.file.StandardOpenOption;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        c.lock();
                        System.out.println("held");
                        System.out.flush();
                        Thread.sleep(120_000);
                    }
                }
                """);
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                hold.toString(), socket.resolveSibling(AgentLauncher.SPAWN_LOCK_NAME).toString()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("held");
            Path starts = dir.resolve("starts");
            List<String> agent = List.of("/bin/sh", "-c", "echo started >> '" + starts + "'; exit 3");
            assertThatThrownBy(new AgentLauncher(socket, agent, dir.resolve("agent.log"), Duration.ofSeconds(1),
                    name -> false)::connect).isInstanceOf(BrokerNotRunningException.class)
                    .hasMessageContaining("another process was starting it and it did not answer within");
            assertThat(starts).as("the lock's holder starts it, not this one").doesNotExist();

            holder.destroyForcibly(); // SIGKILL: the kernel drops its lock
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(new AgentLauncher(socket, agent, dir.resolve("agent.log"), Duration.ofSeconds(20),
                    name -> false)::connect).isInstanceOf(BrokerNotRunningException.class)
                    .hasMessageContaining("it exited with code 3");
            assertThat(Files.readAllLines(starts)).as("the next starter takes the lock and starts it").hasSize(1);
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void theIdleWatchFiresOnlyWithoutClientsAndAfterTheLastActivity() {
        AtomicBoolean idle = new AtomicBoolean();
        int[] clients = {1};
        try (IdleWatch watch = new IdleWatch(Duration.ofMillis(300), why -> idle.set(true))) {
            watch.watch(() -> clients[0]);
            Awaitility.await().pollDelay(Duration.ofMillis(900)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(idle).as("a client is connected").isFalse();
            clients[0] = 0;
            watch.touch();
            Awaitility.await("idle after the last client left").atMost(Duration.ofSeconds(10)).untilTrue(idle);
        }
    }

    @Test
    void lifetimesReadAndSayTheirPeriod() {
        assertThat(AgentLifetime.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(AgentLifetime.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(AgentLifetime.parse("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(AgentLifetime.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> AgentLifetime.parse("soon")).hasMessageContaining("e.g. 30s, 10m or 1h");
        assertThatThrownBy(() -> AgentLifetime.parse("0s")).hasMessageContaining("must be positive");
        assertThat(new AgentLifetime(true, Optional.of(Duration.ofMinutes(10))).describe())
                .isEqualTo(", started on demand, exits after 10 min idle");
        assertThat(new AgentLifetime(false, Optional.of(Duration.ofSeconds(90))).describe()).isEqualTo(", exits after 90 s idle");
        assertThat(AgentLifetime.UNTIL_STOPPED.describe()).isEmpty();
    }
}
