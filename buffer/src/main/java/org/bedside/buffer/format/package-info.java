/**
 * The buffer's record format: how one frame's readings are laid out as bytes on disk. Versioned; a version, once
 * released, is read by every later release (queue files written by older versions are kept as test resources).
 */
@NullMarked
package org.bedside.buffer.format;

import org.jspecify.annotations.NullMarked;
