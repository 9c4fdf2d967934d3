/** The retriever: an HTTP service that finds and streams files from a DES archive. */
package io.des.retriever;
