/** Entry compression: the frozen codec ids, bounded compressors and decompressors, and when to compress. */
package io.des.codec;
