package org.bedside.sim.pty;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/** The few libc calls a pseudo-terminal needs. Constants are Linux's (the same on x86_64 and aarch64). */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDWR = 2;
    int O_NOCTTY = 0400;
    int O_NONBLOCK = 04000;
    int F_GETFL = 3;
    int F_SETFL = 4;
    int TCSANOW = 0;
    short POLLIN = 1;
    int EAGAIN = 11;
    int EINTR = 4;
    /** Bytes waiting to be read on a terminal ({@code TIOCINQ}); asm-generic, so the same on x86_64 and arm. */
    long FIONREAD = 0x541B;
    /** Packet mode on a pseudo-terminal master: each read starts with a status byte ({@code TIOCPKT}). */
    long TIOCPKT = 0x5420;
    /** Status byte of a packet that carries data. */
    int TIOCPKT_DATA = 0;
    /** Status bits of a packet saying the terminal side flushed its input or output queue. */
    int TIOCPKT_FLUSHREAD = 1;

    int TIOCPKT_FLUSHWRITE = 2;

    /** glibc's struct termios is 60 bytes; a little more room costs nothing. */
    int TERMIOS_SIZE = 64;

    int posix_openpt(int flags);

    int grantpt(int fd);

    int unlockpt(int fd);

    int ptsname_r(int fd, byte[] buf, long buflen);

    int open(String path, int flags);

    int close(int fd);

    long read(int fd, byte[] buf, long count);

    long write(int fd, byte[] buf, long count);

    int fcntl(int fd, int cmd, int arg);

    /** Only for requests whose argument is an {@code int *}. */
    int ioctl(int fd, NativeLong request, int[] arg);

    int tcgetattr(int fd, byte[] termios);

    void cfmakeraw(byte[] termios);

    int tcsetattr(int fd, int action, byte[] termios);

    /** {@code struct pollfd} is {int fd; short events; short revents;}: 8 bytes each. */
    int poll(byte[] fds, long nfds, int timeoutMillis);

    String strerror(int errnum);
}
