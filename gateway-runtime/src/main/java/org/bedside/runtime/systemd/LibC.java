package org.bedside.runtime.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/** The libc calls of an AF_UNIX datagram socket. Constants are Linux's (the same on x86_64, aarch64 and armhf). */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 02000000;
    /** A peer that went away must not raise SIGPIPE in the JVM. */
    int MSG_NOSIGNAL = 0x4000;

    int MSG_DONTWAIT = 0x40;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen)
            throws LastErrorException;

    int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
}
