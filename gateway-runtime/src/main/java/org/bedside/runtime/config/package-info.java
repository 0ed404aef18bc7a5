/**
 * The gateway's one configuration file, as {@code @ConfigMapping} interfaces (the Javadoc of each method is the
 * documentation of its key), and the checks that turn it into the plain settings the library modules take. Every
 * problem names its key; the gateway refuses to start rather than guess.
 */
@NullMarked
package org.bedside.runtime.config;

import org.jspecify.annotations.NullMarked;
