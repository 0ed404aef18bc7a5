package org.bedside.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Debian root for {@code dpkg --root}: the host's {@code /usr} under a copy-on-write overlay (so the package's files
 * land in the overlay, never on the host), {@code /bin}, {@code /lib}... as the merged-/usr symlinks, a copy of the
 * host's users, groups and dpkg database (so that the Java runtime and adduser the package depends on are really
 * there), {@code /dev} and {@code /proc} bound for the maintainer scripts, which dpkg runs chrooted into it. No systemd
 * runs inside: the scripts enable the unit (symlinks) but start nothing. Needs root and overlayfs.
 */
final class TestRoot implements AutoCloseable {
    final Path dir;
    private final Path root;
    private final List<Path> mounts = new ArrayList<>();

    private TestRoot(Path dir) {
        this.dir = dir;
        this.root = dir.resolve("root");
    }

    /** Why a test root cannot be made here, or null when it can. */
    static String unavailable() {
        if (!Commands.root()) {
            return "not root";
        }
        if (!Files.isSymbolicLink(Path.of("/bin"))) {
            return "the host's /usr is not merged (/bin is not a symlink)";
        }
        for (String tool : List.of("dpkg", "dpkg-deb", "mount", "umount")) {
            if (!Commands.onPath(tool)) {
                return tool + " is not installed";
            }
        }
        return null;
    }

    static TestRoot create(Path dir) throws IOException, InterruptedException {
        TestRoot t = new TestRoot(dir);
        t.build();
        return t;
    }

    Path root() {
        return root;
    }

    Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private void build() throws IOException, InterruptedException {
        Path upper = dir.resolve("usr-upper");
        Path work = dir.resolve("usr-work");
        for (Path p : List.of(root, upper, work)) {
            Files.createDirectories(p);
        }
        for (String d : List.of(
                "usr",
                "etc",
                "dev",
                "proc",
                "run",
                "tmp",
                "var/lib/dpkg/info",
                "var/lib/dpkg/updates",
                "var/lib/dpkg/triggers",
                "var/cache",
                "var/log",
                "etc/systemd/system")) {
            Files.createDirectories(root.resolve(d));
        }
        for (String link : List.of("bin", "lib", "lib64", "sbin")) {
            if (Files.exists(Path.of("/" + link))) {
                Files.createSymbolicLink(root.resolve(link), Files.readSymbolicLink(Path.of("/" + link)));
            }
        }
        mount(
                root.resolve("usr"),
                "-t",
                "overlay",
                "overlay",
                "-o",
                "lowerdir=/usr,upperdir=" + upper + ",workdir=" + work);
        mount(root.resolve("dev"), "--bind", "/dev");
        mount(root.resolve("proc"), "-t", "proc", "proc");
        // Users and groups, the adduser and login settings, the shells.
        for (String f : List.of(
                "passwd",
                "group",
                "shadow",
                "gshadow",
                "adduser.conf",
                "login.defs",
                "nsswitch.conf",
                "shells",
                "deluser.conf")) {
            Path from = Path.of("/etc", f);
            if (Files.exists(from)) {
                Commands.ok("cp", "-a", from.toString(), root.resolve("etc").toString());
            }
        }
        // PAM (adduser calls chfn), the alternatives (/usr/bin/java), the dynamic linker's cache.
        for (String d : List.of("alternatives", "pam.d", "security", "ld.so.cache", "ld.so.conf", "ld.so.conf.d")) {
            if (Files.exists(Path.of("/etc", d))) {
                Commands.ok("cp", "-a", "/etc/" + d, root.resolve("etc").toString());
            }
        }
        Commands.ok(
                "cp",
                "-a",
                "/var/lib/dpkg/status",
                root.resolve("var/lib/dpkg/status").toString());
        Commands.ok(
                "cp",
                "-a",
                "/var/lib/dpkg/info/.",
                root.resolve("var/lib/dpkg/info").toString());
        Files.writeString(root.resolve("var/lib/dpkg/available"), "");
    }

    private void mount(Path target, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("mount"));
        cmd.addAll(List.of(args));
        cmd.add(target.toString());
        Commands.Result r = Commands.run(cmd);
        if (r.code() != 0) {
            throw new IOException("cannot make the test root: " + cmd + ": " + r.output());
        }
        mounts.add(0, target);
    }

    /** dpkg on the test root; its maintainer scripts run chrooted into it. */
    Commands.Result dpkg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-confold"));
        cmd.addAll(List.of(args));
        return Commands.run(cmd);
    }

    /** A command inside the root. */
    String chroot(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("chroot", root.toString()));
        cmd.addAll(List.of(args));
        Commands.Result r = Commands.run(cmd);
        if (r.code() != 0) {
            throw new AssertionError(cmd + " exited with " + r.code() + ":\n" + r.output());
        }
        return r.output();
    }

    /**
     * Unmounts, then deletes the root with {@code rm --one-file-system}, which never crosses into a mount: should an
     * unmount have failed, the host's /dev or /usr behind it is not touched (the root is not in a JUnit temporary
     * directory for that reason: its clean-up would follow the mounts).
     */
    @Override
    public void close() throws IOException, InterruptedException {
        for (Path m : mounts) {
            Commands.run("umount", "-l", m.toString());
        }
        mounts.clear();
        if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + dir)) {
            throw new IOException("still mounted under " + dir + ": not deleted");
        }
        Commands.run("rm", "-rf", "--one-file-system", dir.toString());
    }
}
