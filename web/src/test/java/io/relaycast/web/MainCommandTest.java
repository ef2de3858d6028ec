package io.relaycast.web;

import org.testng.annotations.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** {@code relaycast [command]}: help lists the commands, anything unknown is an error and never starts a server. */
public class MainCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.command(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    public void helpListsTheCommands() {
        for (String h : new String[] {"--help", "-h", "help"}) {
            assertEquals(run(h), 0);
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("serve") && text.contains("load") && text.contains("help"), text);
        }
        assertEquals(run("load", "--help"), 0);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--viewers N"));
    }

    @Test
    public void unknownCommandsAndArgumentsAreErrors() {
        assertEquals(run("lod"), 2);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'lod'"));
        assertEquals(run("--port", "9000"), 2);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--port'"));
        assertEquals(run("serve", "extra"), 2);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unexpected argument 'extra'"));
        assertEquals(run("load", "--bogus", "1"), 2);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --bogus"));
    }

    @Test
    public void runningACommandLeavesTheLogLevelsAlone() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level before = root.getLevel();
        run("load", "--help");
        run("load", "--bogus", "1");
        assertEquals(root.getLevel(), before, "a command changed the process's log level (other tests share it)");
    }

    @Test
    public void noArgumentsOrServeStartTheServer() {
        assertEquals(run(), Main.SERVE);
        assertEquals(run("serve"), Main.SERVE);
    }
}
