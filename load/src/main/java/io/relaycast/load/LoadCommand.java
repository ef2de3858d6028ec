package io.relaycast.load;

import java.io.PrintStream;

/** {@code relaycast load …}: parses the flags, runs, prints the summary; returns the exit status (see USAGE). */
public final class LoadCommand {
    private LoadCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(LoadOptions.USAGE);
                return 0;
            }
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("relaycast load: " + e.getMessage());
            err.println("Run 'relaycast load --help' for the options.");
            return 2;
        }
        try {
            LoadSummary s = new LoadRun(options, err).run();
            out.print(s.format());
            out.flush();
            return s.ok() ? 0 : 1;
        } catch (LoadRun.TargetException e) {
            err.println("relaycast load: " + e.getMessage());
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("relaycast load: interrupted");
            return 1;
        }
    }
}
