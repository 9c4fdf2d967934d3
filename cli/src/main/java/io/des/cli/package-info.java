/** The des command: pack, get, ls, verify and demo on a local folder or an S3 prefix. */
package io.des.cli;
