package org.bedside.runtime.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code bedside user add NAME [--role operator|clinician|viewer]... [--file FILE]}: reads the password from standard input (one
 * line, so that it is never on a command line or in the shell's history), and appends the user's line to the users
 * file, made readable by its owner only if it is new, or prints the line when no file is given. Plain Java, without
 * Quarkus: it runs from the gateway's jars.
 */
public final class UserCommand {
    private UserCommand() {}

    public static void main(String[] args) throws IOException {
        System.exit(run(
                args,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                System.out,
                System.err));
    }

    static int run(String[] args, BufferedReader in, PrintStream out, PrintStream err) throws IOException {
        if (args.length < 2 || !args[0].equals("add")) {
            err.println(
                    "usage: bedside user add NAME [--role operator|clinician|viewer]... [--file USERS-FILE] < password");
            return 2;
        }
        String name = args[1];
        Set<String> roles = new LinkedHashSet<>();
        Path file = null;
        for (int i = 2; i < args.length; i++) {
            if (i + 1 >= args.length) {
                err.println("user: " + args[i] + " needs a value");
                return 2;
            }
            switch (args[i]) {
                case "--role" -> roles.add(args[++i]);
                case "--file" -> file = Path.of(args[++i]);
                default -> {
                    err.println("user: unexpected argument '" + args[i] + "'");
                    return 2;
                }
            }
        }
        if (roles.isEmpty()) {
            roles.add(HttpAccess.VIEWER);
        }
        String password = in.readLine();
        if (password == null || password.isEmpty()) {
            err.println("user: give the password on standard input (one line)");
            return 2;
        }
        String line;
        try {
            line = UsersFile.line(name, password.toCharArray(), roles);
        } catch (IllegalArgumentException e) {
            err.println("user: " + e.getMessage());
            return 2;
        }
        if (file == null) {
            out.println(line);
            return 0;
        }
        if (Files.exists(file)) {
            UsersFile existing = UsersFile.read(file);
            if (existing.find(name).isPresent()) {
                err.println("user: " + name + " is already in " + file + "; remove that line first");
                return 1;
            }
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        err.println("user: added " + name + " " + roles + " to " + file
                + " (a running gateway reads it again at the next sign-in)");
        return 0;
    }
}
