/** A DES archive on a blob store: its settings, its catalog and finding any file from (uid, created_at). */
package io.des.archive;
