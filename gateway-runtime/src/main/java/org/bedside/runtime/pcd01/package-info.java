/**
 * IHE PCD-01 in: the MLLP listener of {@code gateway.pcd01-in} ({@link org.bedside.runtime.pcd01.Pcd01Inbound}), the
 * messages already stored ({@link org.bedside.runtime.pcd01.SeenMessages}), and {@code bedside replay --driver pcd-01}
 * ({@link org.bedside.runtime.pcd01.Pcd01Replay}, plain Java, no Quarkus started). docs/hl7.md, "PCD-01 in".
 */
@NullMarked
package org.bedside.runtime.pcd01;

import org.jspecify.annotations.NullMarked;
