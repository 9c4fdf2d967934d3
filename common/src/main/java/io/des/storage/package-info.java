/** The blob storage SPI that shards and catalogs live on, with local-disk, S3 and in-memory backends. */
package io.des.storage;
