/** The .des shard file format (docs/format.md): writer, reader, index, seal and corruption errors. */
package io.des.format;
