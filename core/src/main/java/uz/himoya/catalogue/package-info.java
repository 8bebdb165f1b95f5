/**
 * What a store's catalogue says about the tables a map names: columns and their types, primary keys, foreign
 * keys, partitions. The privacy map's validator, the anonymization strategies and every dialect read it; it
 * depends on none of them.
 */
package uz.himoya.catalogue;
