/*
 * test_map.c: the mapping language and the mapper (src/map/).
 *
 * The fixture test maps the 7 real records with the built-in `assessments`
 * mapping and compares EVERY cell of every row of the three tables with the
 * expected rows below. Those were computed from the record text by a separate
 * program (Python: datetime for ISO 8601, decimal digits for epoch seconds,
 * len() for counts, max() over option `at`), not by this code, and spot-checked
 * by hand (see test_fixture_hand_checks for the values written out literally).
 * Cell text: "s:<string>", "i:<integer>" (int32, int64, boolean 0/1,
 * timestamp in microseconds, date in days), "d:<%.17g>", "null"; the first two
 * numbers of each row are the record's ordinal and its dt (days since epoch).
 */
#include "t.h"

#include "json/json.h"
#include "map/map.h"

#include <stdint.h>

#define FIXTURE "tests/fixtures/assessment-attempts-SAMPLE-offsets0-4_3278-3279.jsonl"

typedef struct expected_row {
    int record;
    int dt;
    const char *cells;
} expected_row;

static const expected_row expected_assessments[] = {
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ts:Normal Forms and All That Jazz Master Class\ti:1516717399082000\ti:1516717442735266\ti:1516717442735266\td:1\ti:0\ts:5b28a462-7a3b-42e0-b508-09f3906d1703\ti:1\ti:4\ti:2\ti:1\ti:1\ti:4\ti:0\ti:4\ti:0\td:0.5\ti:1516717440807000\td:41.725000000000001\ts:fixture\ti:0\ti:0\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ts:Normal Forms and All That Jazz Master Class\ti:1516717307505000\ti:1516717377639827\ti:1516717377639827\td:1\ti:0\ts:5b28a462-7a3b-42e0-b508-09f3906d1703\ti:1\ti:4\ti:1\ti:1\ti:2\ti:4\ti:0\ti:4\ti:0\td:0.25\ti:1516717375494000\td:67.989000000000004\ts:fixture\ti:0\ti:1\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ts:The Principles of Microservices\ti:1516738942584000\ti:1516738973653394\ti:1516738973653394\td:1\ti:0\ts:b370a3aa-bf9e-4c10-848a-8ecacbd1d93e\ti:1\ti:4\ti:3\ti:1\ti:0\ti:4\ti:0\ti:4\ti:0\td:0.75\ti:1516738972423000\td:29.838999999999999\ts:fixture\ti:0\ti:2\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ts:The Principles of Microservices\ti:1516738870833000\ti:1516738921113742\ti:1516738921113742\td:1\ti:0\ts:b370a3aa-bf9e-4c10-848a-8ecacbd1d93e\ti:1\ti:4\ti:2\ti:0\ti:2\ti:4\ti:0\ti:4\ti:0\td:0.5\ti:1516738919075000\td:48.241999999999997\ts:fixture\ti:0\ti:3\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ts:Introduction to Big Data\ti:1516736922477000\ti:1516737000212122\ti:1516737000212122\td:1\ti:0\ts:04a192c1-4f5c-4ac1-91df-3f175996af99\ti:1\ti:4\ti:3\ti:1\ti:0\ti:4\ti:0\ti:4\ti:0\td:0.75\ti:1516736996912000\td:74.435000000000002\ts:fixture\ti:0\ti:4\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ts:I'm a Software Architect, Now What?\ti:1513766649162000\ti:1513766763605148\ti:1513766763605148\td:1\ti:0\ts:655fa8c5-3703-42c4-a99e-0296326dc087\ti:1\ti:4\ti:3\ti:0\ti:1\ti:4\ti:0\ti:4\ti:0\td:0.75\ti:1513766761361000\td:112.199\ts:fixture\ti:0\ti:5\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ts:Learning Linux System Administration\ti:1513766306490000\ti:1513766386584505\ti:1513766386584505\td:1\ti:0\ts:7948e155-ffbb-4179-84af-7e358767a750\ti:1\ti:8\ti:6\ti:2\ti:0\ti:8\ti:0\ti:8\ti:0\td:0.75\ti:1513766382412000\td:75.921999999999997\ts:fixture\ti:0\ti:6\tnull" },
};
static const expected_row expected_questions[] = {
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:0\ti:1\ti:1\ts:missed_some\ti:3\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:0\ti:0\ti:1\ts:incorrect\ti:3\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:95194331-ac43-454e-83de-ea8913067055\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:0\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:95194331-ac43-454e-83de-ea8913067055\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:0\ti:1\ti:1\ts:missed_some\ti:3\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:0\ti:0\ti:1\ts:incorrect\ti:4\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:0\ti:1\ti:1\ts:missed_some\ti:3\ts:fixture\ti:0\ti:1\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:0\ti:0\ti:1\ts:incorrect\ti:3\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:2\ts:1ba75b31-64a4-4bd3-9646-25aa3b73505f\ti:1\ti:0\ti:1\ts:correct\ti:2\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:2\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:0\ti:1\ti:1\ts:missed_some\ti:4\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:2\ts:1ba75b31-64a4-4bd3-9646-25aa3b73505f\ti:1\ti:0\ti:1\ts:correct\ti:2\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:0\ti:1\ti:1\ts:missed_some\ti:3\ts:fixture\ti:0\ti:3\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:0\ts:620c924f-6bd8-11e6-bcbd-a8667f27e5dc\ti:0\ti:0\ti:1\ts:incorrect\ti:4\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:1\ts:f4bc7618-76ac-11e6-a6c9-a8667f27e5dc\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:2\ts:42d6d026-6bd8-11e6-bd61-a8667f27e5dc\ti:1\ti:0\ti:1\ts:correct\ti:2\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:3\ts:8372371c-6bd8-11e6-82fc-a8667f27e5dc\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:4\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:0\ts:bf8306dd-889f-4e10-b305-ef446fa4cec4\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:1\ts:4c64e2b7-e503-4f81-8441-866a0c04aafa\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:2\ts:bf53ec88-5551-49dd-86c6-39cc7bb3930f\ti:0\ti:1\ti:1\ts:missed_some\ti:4\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:3\ts:2e1aee4a-bd0a-41bd-acd5-32145796813f\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:5\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:0\ts:ff4fd2c3-d00d-4fee-b783-f1a6091f61f9\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:1\ts:02fa4d4d-f0e8-4e6b-997c-3b823acef6bb\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:2\ts:9c08dc92-611f-4211-a290-956c316d7291\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:3\ts:d202ad94-17a2-404d-b0de-8a8fd43e9b8c\ti:1\ti:0\ti:1\ts:correct\ti:3\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:4\ts:68e2ea30-6e5f-4d9a-b044-3ed5e53dca3e\ti:1\ti:0\ti:1\ts:correct\ti:4\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:1\ti:0\ti:1\ts:correct\ti:6\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:6\ts:6a776eb4-b26d-4ba9-a41f-37153086bba8\ti:0\ti:0\ti:1\ts:incorrect\ti:4\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:7\ts:1ebe9acf-617c-44d3-8c23-e5815ab108bf\ti:0\ti:0\ti:1\ts:incorrect\ti:4\ts:fixture\ti:0\ti:6\tnull" },
};
static const expected_row expected_options[] = {
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:0\ts:49c574b4-5c82-4ffd-9bd1-c3358faf850d\ti:1\ti:1\ti:1\ti:1516717404670000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:1\ts:f2528210-35c3-4320-acf3-9056567ea19f\ti:1\ti:1\ti:1\ti:1516717405914000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:2\ts:d1bf026f-554f-4543-bdd2-54dcf105b826\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:0\ts:a35d0e80-8c49-415d-b8cb-c21a02627e2b\ti:1\ti:0\ti:1\ti:1516717410116000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:1\ts:bccd6e2e-2cef-4c72-8bfa-317db0ac48bb\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:2\ts:7e0b639a-2ef8-4604-b7eb-5018bd81a91b\ti:1\ti:1\ti:1\ti:1516717421791000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:0\ts:a9333679-de9d-41ff-bb3d-b239d6b95732\ti:0\ti:0\ti:0\ti:1516717432510000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:1\ts:85795acc-b4b1-4510-bd6e-41648a3553c9\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:2\ts:c185ecdb-48fb-4edb-ae4e-0204ac7a0909\ti:1\ti:1\ti:1\ti:1516717434223000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:3\ts:77a66c83-d001-45cd-9a5a-6bba8eb7389e\ti:1\ti:1\ti:1\ti:1516717433862000\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:95194331-ac43-454e-83de-ea8913067055\ti:0\ts:59b9fc4b-f239-4850-b1f9-912d1fd3ca13\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:95194331-ac43-454e-83de-ea8913067055\ti:1\ts:2c29e8e8-d4a8-406e-9cdf-de28ec5890fe\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:95194331-ac43-454e-83de-ea8913067055\ti:2\ts:62feee6e-9b76-4123-bd9e-c0b35126b1f1\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:0\tnull" },
    { 0, 17554, "s:5a6745820eb8ab00016be1f1\ts:6d4089e4-bde5-4a22-b65f-18bce9ab79c8\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:95194331-ac43-454e-83de-ea8913067055\ti:3\ts:7f13df9c-fcbe-4424-914f-2206f106765c\ti:1\ti:1\ti:1\ti:1516717440807000\ts:fixture\ti:0\ti:0\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:95194331-ac43-454e-83de-ea8913067055\ti:0\ts:62feee6e-9b76-4123-bd9e-c0b35126b1f1\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:95194331-ac43-454e-83de-ea8913067055\ti:1\ts:7f13df9c-fcbe-4424-914f-2206f106765c\ti:1\ti:1\ti:1\ti:1516717324301000\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:95194331-ac43-454e-83de-ea8913067055\ti:2\ts:2c29e8e8-d4a8-406e-9cdf-de28ec5890fe\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:0\ts:95194331-ac43-454e-83de-ea8913067055\ti:3\ts:59b9fc4b-f239-4850-b1f9-912d1fd3ca13\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:0\ts:7e0b639a-2ef8-4604-b7eb-5018bd81a91b\ti:1\ti:1\ti:1\ti:1516717344525000\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:1\ts:bccd6e2e-2cef-4c72-8bfa-317db0ac48bb\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:1\ts:bbed4358-999d-4462-9596-bad5173a6ecb\ti:2\ts:a35d0e80-8c49-415d-b8cb-c21a02627e2b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:0\ts:c185ecdb-48fb-4edb-ae4e-0204ac7a0909\ti:1\ti:1\ti:1\ti:1516717359396000\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:1\ts:77a66c83-d001-45cd-9a5a-6bba8eb7389e\ti:1\ti:1\ti:1\ti:1516717355081000\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:2\ts:85795acc-b4b1-4510-bd6e-41648a3553c9\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:2\ts:e6ad8644-96b1-4617-b37b-a263dded202c\ti:3\ts:a9333679-de9d-41ff-bb3d-b239d6b95732\ti:1\ti:0\ti:1\ti:1516717368197000\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:0\ts:d1bf026f-554f-4543-bdd2-54dcf105b826\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:1\ts:f2528210-35c3-4320-acf3-9056567ea19f\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:1\tnull" },
    { 1, 17554, "s:5a674541ab6b0a0001c6e723\ts:2fec1534-b41f-4419-b741-79d372f05cbe\ts:37f0a30a-7464-11e6-aa92-a8667f27e5dc\ti:3\ts:7a2ed6d3-f492-49b3-b8aa-d080a8aad986\ti:2\ts:49c574b4-5c82-4ffd-9bd1-c3358faf850d\ti:1\ti:1\ti:1\ti:1516717375494000\ts:fixture\ti:0\ti:1\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:0\ts:c315723f-4753-4f8f-932e-d9d7085fed28\ti:1\ti:0\ti:1\ti:1516738959089000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:1\ts:f298bc63-9075-45bc-8b95-9c8c979bf779\ti:1\ti:1\ti:1\ti:1516738947250000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:2\ts:302fa72e-3949-46a1-9dd9-668fac9c1fc1\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:0\ts:60b45b0b-f20c-42eb-8b26-61ef690fd1ba\ti:1\ti:1\ti:1\ti:1516738961102000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:1\ts:a5a583b6-9c3a-4147-afbb-d6fbfc516c85\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:2\ts:a3e31a57-6407-40f1-9808-c7f2ed8e7f95\ti:1\ti:1\ti:1\ti:1516738962988000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:3\ts:aae4e562-49bf-46ca-808a-5300ac4b08d1\ti:1\ti:1\ti:1\ti:1516738964447000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:2\ts:1ba75b31-64a4-4bd3-9646-25aa3b73505f\ti:0\ts:ac290741-c86c-491a-9872-72213e947a70\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:2\ts:1ba75b31-64a4-4bd3-9646-25aa3b73505f\ti:1\ts:a9d65a6d-0fdf-4518-b1a0-900d9248f123\ti:1\ti:1\ti:1\ti:1516738966048000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:0\ts:cb8e8ecb-5a24-4712-ae46-81bc5b858c3b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:1\ts:429b03ec-bda9-4d4a-bd7f-e2d208cbb5fc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:2\ts:1cdc931d-dbfb-4aea-bcb8-57be503bb649\ti:1\ti:1\ti:1\ti:1516738970811000\ts:fixture\ti:0\ti:2\tnull" },
    { 2, 17554, "s:5a67999d3ed3e300016ef0f1\ts:8edbc8a8-4d26-4292-a5af-ae3f246cb09f\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:3\ts:088b406e-1fa6-419f-8193-d41c29ee4d57\ti:1\ti:1\ti:1\ti:1516738972423000\ts:fixture\ti:0\ti:2\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:0\ts:429b03ec-bda9-4d4a-bd7f-e2d208cbb5fc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:1\ts:088b406e-1fa6-419f-8193-d41c29ee4d57\ti:1\ti:1\ti:1\ti:1516738876528000\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:2\ts:cb8e8ecb-5a24-4712-ae46-81bc5b858c3b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:0\ts:1f7c5def-904b-4834-8519-639a3b22a496\ti:3\ts:1cdc931d-dbfb-4aea-bcb8-57be503bb649\ti:1\ti:1\ti:1\ti:1516738880089000\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:0\ts:aae4e562-49bf-46ca-808a-5300ac4b08d1\ti:1\ti:1\ti:1\ti:1516738891682000\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:1\ts:a5a583b6-9c3a-4147-afbb-d6fbfc516c85\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:2\ts:a3e31a57-6407-40f1-9808-c7f2ed8e7f95\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:1\ts:bec23e7b-4870-49f7-92c1-1e0a016ef7c9\ti:3\ts:60b45b0b-f20c-42eb-8b26-61ef690fd1ba\ti:1\ti:1\ti:1\ti:1516738894849000\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:2\ts:1ba75b31-64a4-4bd3-9646-25aa3b73505f\ti:0\ts:a9d65a6d-0fdf-4518-b1a0-900d9248f123\ti:1\ti:1\ti:1\ti:1516738899798000\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:2\ts:1ba75b31-64a4-4bd3-9646-25aa3b73505f\ti:1\ts:ac290741-c86c-491a-9872-72213e947a70\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:0\ts:c315723f-4753-4f8f-932e-d9d7085fed28\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:1\ts:302fa72e-3949-46a1-9dd9-668fac9c1fc1\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:3\tnull" },
    { 3, 17554, "s:5a6799694fc7c70001034706\ts:c0ee680e-8892-4e64-a7f2-bb576a665dc5\ts:4beeac16-bb83-4d58-83e4-26cdc38f0481\ti:3\ts:b9ff2e88-cf9d-4bd4-bcea-c2673779425c\ti:2\ts:f298bc63-9075-45bc-8b95-9c8c979bf779\ti:1\ti:1\ti:1\ti:1516738919075000\ts:fixture\ti:0\ti:3\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:0\ts:620c924f-6bd8-11e6-bcbd-a8667f27e5dc\ti:0\ts:5a3ba547-6bd8-11e6-9cfa-a8667f27e5dc\ti:1\ti:0\ti:1\ti:1516736939018000\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:0\ts:620c924f-6bd8-11e6-bcbd-a8667f27e5dc\ti:1\ts:53b3130a-6bd8-11e6-808b-a8667f27e5dc\ti:1\ti:1\ti:1\ti:1516736932771000\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:0\ts:620c924f-6bd8-11e6-bcbd-a8667f27e5dc\ti:2\ts:4cf30168-6bd8-11e6-8826-a8667f27e5dc\ti:1\ti:1\ti:1\ti:1516736936446000\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:0\ts:620c924f-6bd8-11e6-bcbd-a8667f27e5dc\ti:3\ts:4f4b0ee9-71f2-476e-b045-23d72f8b0bfc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:1\ts:f4bc7618-76ac-11e6-a6c9-a8667f27e5dc\ti:0\ts:ec558988-76ac-11e6-9f14-a8667f27e5dc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:1\ts:f4bc7618-76ac-11e6-a6c9-a8667f27e5dc\ti:1\ts:dc7c8cc8-76ac-11e6-a12a-a8667f27e5dc\ti:1\ti:1\ti:1\ti:1516736964216000\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:1\ts:f4bc7618-76ac-11e6-a6c9-a8667f27e5dc\ti:2\ts:ce3f6b30-76ac-11e6-935d-a8667f27e5dc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:1\ts:f4bc7618-76ac-11e6-a6c9-a8667f27e5dc\ti:3\ts:d5390790-76ac-11e6-a4c9-a8667f27e5dc\ti:1\ti:1\ti:1\ti:1516736968815000\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:2\ts:42d6d026-6bd8-11e6-bd61-a8667f27e5dc\ti:0\ts:28e7b459-6bd8-11e6-8def-a8667f27e5dc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:2\ts:42d6d026-6bd8-11e6-bd61-a8667f27e5dc\ti:1\ts:1fa888ba-6bd8-11e6-85c8-a8667f27e5dc\ti:1\ti:1\ti:1\ti:1516736984656000\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:3\ts:8372371c-6bd8-11e6-82fc-a8667f27e5dc\ti:0\ts:72588554-6bd8-11e6-8bdb-a8667f27e5dc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:3\ts:8372371c-6bd8-11e6-82fc-a8667f27e5dc\ti:1\ts:7bb18719-6bd8-11e6-9a07-a8667f27e5dc\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:3\ts:8372371c-6bd8-11e6-82fc-a8667f27e5dc\ti:2\ts:d1452429-4c17-4ac5-a266-a2ae70748e56\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:4\tnull" },
    { 4, 17554, "s:5a6791e824fccd00018c3ff9\ts:e4525b79-7904-4050-a068-27969b01f6bd\ts:6442707e-7488-11e6-831b-a8667f27e5dc\ti:3\ts:8372371c-6bd8-11e6-82fc-a8667f27e5dc\ti:3\ts:692c0975-6bd8-11e6-b682-a8667f27e5dc\ti:1\ti:1\ti:1\ti:1516736996912000\ts:fixture\ti:0\ti:4\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:0\ts:bf8306dd-889f-4e10-b305-ef446fa4cec4\ti:0\ts:2e31babb-5a1c-47bd-bcb7-d4fa3d43794f\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:0\ts:bf8306dd-889f-4e10-b305-ef446fa4cec4\ti:1\ts:68e4f6aa-2adb-4402-b5b7-b7610993edc6\ti:1\ti:1\ti:1\ti:1513766693863000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:0\ts:bf8306dd-889f-4e10-b305-ef446fa4cec4\ti:2\ts:bbe2135d-cc21-493b-b4e1-8a182e6211d4\ti:1\ti:1\ti:1\ti:1513766689319000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:0\ts:bf8306dd-889f-4e10-b305-ef446fa4cec4\ti:3\ts:feba554f-1b5e-422d-93ac-b9202a91014b\ti:1\ti:1\ti:1\ti:1513766677080000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:1\ts:4c64e2b7-e503-4f81-8441-866a0c04aafa\ti:0\ts:17d6282d-8c2f-4d67-b15e-c563b38c6a99\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:1\ts:4c64e2b7-e503-4f81-8441-866a0c04aafa\ti:1\ts:5ab90b76-f93a-4078-9b98-81360d8859d4\ti:1\ti:1\ti:1\ti:1513766710020000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:1\ts:4c64e2b7-e503-4f81-8441-866a0c04aafa\ti:2\ts:0809acb6-dbbb-4c75-8d9f-9ee7e48425e1\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:1\ts:4c64e2b7-e503-4f81-8441-866a0c04aafa\ti:3\ts:cf3e899e-d8c1-4644-b10f-3a57b1bab5ea\ti:1\ti:1\ti:1\ti:1513766712309000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:2\ts:bf53ec88-5551-49dd-86c6-39cc7bb3930f\ti:0\ts:47b50665-2de5-4dff-bc30-fccf8d4a94e6\ti:1\ti:1\ti:1\ti:1513766721474000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:2\ts:bf53ec88-5551-49dd-86c6-39cc7bb3930f\ti:1\ts:052c77b9-c6c7-4776-bfda-f68e847d8c8a\ti:1\ti:1\ti:1\ti:1513766729661000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:2\ts:bf53ec88-5551-49dd-86c6-39cc7bb3930f\ti:2\ts:889151e0-6cd3-4f9e-a32d-d48cdf2ef967\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:2\ts:bf53ec88-5551-49dd-86c6-39cc7bb3930f\ti:3\ts:f03b7edf-240a-47bb-aeb3-692132a6612c\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:3\ts:2e1aee4a-bd0a-41bd-acd5-32145796813f\ti:0\ts:c0c7e8ca-cfd4-42c9-bfe2-2cb2d67440d6\ti:1\ti:1\ti:1\ti:1513766750794000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:3\ts:2e1aee4a-bd0a-41bd-acd5-32145796813f\ti:1\ts:1a9c20d8-fd9a-4542-8b79-72cddfa6ea6c\ti:1\ti:1\ti:1\ti:1513766752451000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:3\ts:2e1aee4a-bd0a-41bd-acd5-32145796813f\ti:2\ts:d2f7abbc-b92e-4d52-a6fc-351e31e3d3f1\ti:1\ti:1\ti:1\ti:1513766754825000\ts:fixture\ti:0\ti:5\tnull" },
    { 5, 17520, "s:5a3a3f6b8c7fa00001d2a03e\ts:b1896278-669f-4346-80fd-21d0ba898d5d\ts:f80366d9-db60-41c3-a1c4-6c7789b478f8\ti:3\ts:2e1aee4a-bd0a-41bd-acd5-32145796813f\ti:3\ts:e92390a5-4d59-4969-a196-df043457d354\ti:1\ti:1\ti:1\ti:1513766761361000\ts:fixture\ti:0\ti:5\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:0\ts:ff4fd2c3-d00d-4fee-b783-f1a6091f61f9\ti:0\ts:a8b3951b-d1e1-4fa7-94cb-0a0415be1573\ti:1\ti:1\ti:1\ti:1513766309540000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:0\ts:ff4fd2c3-d00d-4fee-b783-f1a6091f61f9\ti:1\ts:f026267d-1997-48a3-9021-5c27fb743f3b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:0\ts:ff4fd2c3-d00d-4fee-b783-f1a6091f61f9\ti:2\ts:72f87cf2-b723-4a02-b5b6-538278349eab\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:0\ts:ff4fd2c3-d00d-4fee-b783-f1a6091f61f9\ti:3\ts:b64ddac5-5ac6-431a-b73d-c7388c760b85\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:1\ts:02fa4d4d-f0e8-4e6b-997c-3b823acef6bb\ti:0\ts:2b4176a1-3492-42e8-b4fe-433d27b9662a\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:1\ts:02fa4d4d-f0e8-4e6b-997c-3b823acef6bb\ti:1\ts:7ab55774-61bf-43f4-8a35-764d02a83c8b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:1\ts:02fa4d4d-f0e8-4e6b-997c-3b823acef6bb\ti:2\ts:e82d47d4-6498-41e4-8dce-5e78ea17cf5b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:1\ts:02fa4d4d-f0e8-4e6b-997c-3b823acef6bb\ti:3\ts:97864885-ce7e-4a12-b129-b8d2c6f80928\ti:1\ti:1\ti:1\ti:1513766311451000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:2\ts:9c08dc92-611f-4211-a290-956c316d7291\ti:0\ts:41877b0a-ee7b-4d3d-8c89-6f5826e79fda\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:2\ts:9c08dc92-611f-4211-a290-956c316d7291\ti:1\ts:e7f1863a-a78d-4f29-8ac7-1d3012477eae\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:2\ts:9c08dc92-611f-4211-a290-956c316d7291\ti:2\ts:45c437e7-4e95-42aa-b83a-b09acef38b6d\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:2\ts:9c08dc92-611f-4211-a290-956c316d7291\ti:3\ts:5a6dbb51-692b-4914-a620-afe6af303916\ti:1\ti:1\ti:1\ti:1513766319047000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:3\ts:d202ad94-17a2-404d-b0de-8a8fd43e9b8c\ti:0\ts:4715b39d-0a3a-42d3-893a-494ceb935e6c\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:3\ts:d202ad94-17a2-404d-b0de-8a8fd43e9b8c\ti:1\ts:2b394228-a8b5-4b10-87c9-53f90b42c6f1\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:3\ts:d202ad94-17a2-404d-b0de-8a8fd43e9b8c\ti:2\ts:e8e0558f-a379-4e30-b615-128c1ea43423\ti:1\ti:1\ti:1\ti:1513766332610000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:4\ts:68e2ea30-6e5f-4d9a-b044-3ed5e53dca3e\ti:0\ts:a970d87f-afc4-4e0f-a84d-edc8ae1d82f0\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:4\ts:68e2ea30-6e5f-4d9a-b044-3ed5e53dca3e\ti:1\ts:fbdba43b-3986-434d-b9b9-353530d54c18\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:4\ts:68e2ea30-6e5f-4d9a-b044-3ed5e53dca3e\ti:2\ts:9e93bcac-b886-413c-b406-109c3bbed4ed\ti:1\ti:1\ti:1\ti:1513766336685000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:4\ts:68e2ea30-6e5f-4d9a-b044-3ed5e53dca3e\ti:3\ts:f15e504b-67f3-4c83-9860-53f91174658d\ti:1\ti:1\ti:1\ti:1513766337399000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:0\ts:5a4c78cc-0239-44b6-b871-dd8e47f9b826\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:1\ts:fa6a8c7e-7d11-4b72-9214-9e0d139789a7\ti:1\ti:1\ti:1\ti:1513766344501000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:2\ts:035db32c-8feb-4a6c-a1f7-68f5156a6d8c\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:3\ts:52209cb9-c7a1-49b7-aba3-d49e229f4479\ti:1\ti:1\ti:1\ti:1513766346721000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:4\ts:3a57fcba-070f-4f9c-9c69-a398ce32366f\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:5\ts:4d5cf201-976d-4da8-8c34-e6e06dc426cf\ti:5\ts:13f07602-478b-4acb-b2b1-d219a8fddc9a\ti:1\ti:1\ti:1\ti:1513766349877000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:6\ts:6a776eb4-b26d-4ba9-a41f-37153086bba8\ti:0\ts:11bde835-5ab0-4694-b05b-8fdf67206a5f\ti:1\ti:1\ti:1\ti:1513766376052000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:6\ts:6a776eb4-b26d-4ba9-a41f-37153086bba8\ti:1\ts:e6e5abdd-98a0-487b-a8da-0fbf3125a023\ti:0\ti:0\ti:0\ti:1513766375112000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:6\ts:6a776eb4-b26d-4ba9-a41f-37153086bba8\ti:2\ts:18f0c4ba-89de-474b-8e3b-b220a663f43a\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:6\ts:6a776eb4-b26d-4ba9-a41f-37153086bba8\ti:3\ts:634020ce-f232-4ee3-859b-f5e87e21857b\ti:1\ti:0\ti:1\ti:1513766367147000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:7\ts:1ebe9acf-617c-44d3-8c23-e5815ab108bf\ti:0\ts:c4ec70ac-0407-4dda-ace7-2cf751d76464\ti:1\ti:1\ti:1\ti:1513766370695000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:7\ts:1ebe9acf-617c-44d3-8c23-e5815ab108bf\ti:1\ts:dbca7b8a-a4fd-4a75-8221-6c236e14a86b\ti:0\ti:0\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:7\ts:1ebe9acf-617c-44d3-8c23-e5815ab108bf\ti:2\ts:a3b69e1d-b7c2-4efd-a822-30adf80a5ac3\ti:1\ti:0\ti:1\ti:1513766382412000\ts:fixture\ti:0\ti:6\tnull" },
    { 6, 17520, "s:5a3a3df2448eb200012a2efd\ts:3a1d33b9-b79c-42b3-99a8-1ce4a4291bf2\ts:a62e5d35-75e9-11e6-8197-9801a7c3b233\ti:7\ts:1ebe9acf-617c-44d3-8c23-e5815ab108bf\ti:3\ts:5ee97047-af1c-4206-a3b8-af34675e2fea\ti:0\ti:1\ti:0\tnull\ts:fixture\ti:0\ti:6\tnull" },
};

/* ---- helpers ---- */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    *len = n;
    return buf;
}

/* The fixture's records, one per line (7). */
static size_t fixture_records(char **buf, const char **rec, size_t *len, size_t max)
{
    size_t n;
    *buf = read_file(FIXTURE, &n);
    if (!*buf)
        return 0;
    size_t k = 0;
    char *p = *buf;
    while (*p && k < max) {
        char *e = strchr(p, '\n');
        if (!e)
            e = p + strlen(p);
        rec[k] = p;
        len[k] = (size_t)(e - p);
        k++;
        p = *e ? e + 1 : e;
    }
    return k;
}

static void cell_text(const sl_value *v, sl_type t, char *out, size_t size)
{
    if (v->is_null)
        snprintf(out, size, "null");
    else if (t == SL_T_STRING || t == SL_T_BINARY)
        snprintf(out, size, "s:%.*s", (int)v->u.s.n, v->u.s.p);
    else if (t == SL_T_DOUBLE)
        snprintf(out, size, "d:%.17g", v->u.d);
    else
        snprintf(out, size, "i:%lld", (long long)v->u.i);
}

/* Row r of a result table as tab-separated cell texts. */
static void row_text(const sl_map_rows *rows, const sl_column *cols, size_t r, char *out, size_t size)
{
    size_t pos = 0;
    out[0] = 0;
    for (size_t c = 0; c < rows->ncols && pos < size; c++) {
        char cell[512];
        cell_text(&rows->values[r * rows->ncols + c], cols[c].type, cell, sizeof cell);
        pos += (size_t)snprintf(out + pos, size - pos, "%s%s", c ? "\t" : "", cell);
    }
}

static const sl_value *cell(const sl_map_result *res, size_t t, size_t r, size_t c)
{
    return &res->tables[t].values[r * res->tables[t].ncols + c];
}

static int table_index(const sl_mapping *m, const char *name)
{
    for (size_t i = 0; i < sl_mapping_ntables(m); i++)
        if (strcmp(sl_mapping_table_name(m, i), name) == 0)
            return (int)i;
    return -1;
}

static int col_index(const sl_mapping *m, size_t t, const char *name)
{
    const sl_column *cols = sl_mapping_table_columns(m, t);
    for (size_t i = 0; i < sl_mapping_table_ncols(m, t); i++)
        if (strcmp(cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static sl_mapping *parse_mapping(const char *text, char *err, size_t errsize)
{
    return sl_mapping_parse(text, strlen(text), "t.json", err, errsize);
}

/* ---- the fixture ---- */
static void check_table(const sl_mapping *m, const char *name, const expected_row *exp, size_t nexp,
                        const char *const *rec, const size_t *len, size_t nrec, sl_mapper *mp)
{
    int t = table_index(m, name);
    REQUIRE(t >= 0);
    const sl_column *cols = sl_mapping_table_columns(m, (size_t)t);
    size_t e = 0;
    for (size_t k = 0; k < nrec; k++) {
        sl_origin o = { "fixture", 0, (int64_t)k, SL_TS_NULL, NULL, 0, NULL, 0 };
        const sl_map_result *res;
        char reason[256];
        sl_map_status st = sl_mapper_map(mp, rec[k], len[k], &o, &res, reason, sizeof reason);
        if (st != SL_MAP_OK)
            fprintf(stderr, "  record %zu: %s\n", k, reason);
        REQUIRE(st == SL_MAP_OK);
        const sl_map_rows *rows = &res->tables[t];
        for (size_t r = 0; r < rows->nrows; r++, e++) {
            REQUIRE(e < nexp);
            CHECK_EQ_INT(exp[e].record, k);
            CHECK_EQ_INT(rows->dt[r], exp[e].dt);
            char got[4096];
            row_text(rows, cols, r, got, sizeof got);
            CHECK_EQ_STR(got, exp[e].cells);
        }
    }
    CHECK_EQ_INT(e, nexp);
}

static void test_fixture_every_value(void)
{
    char *buf;
    const char *rec[16];
    size_t len[16];
    size_t n = fixture_records(&buf, rec, len, 16);
    REQUIRE(n == 7);
    char err[512];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    if (!m)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(m);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    check_table(m, "assessments", expected_assessments, sizeof expected_assessments / sizeof expected_assessments[0],
                rec, len, n, mp);
    check_table(m, "questions", expected_questions, sizeof expected_questions / sizeof expected_questions[0], rec,
                len, n, mp);
    check_table(m, "options", expected_options, sizeof expected_options / sizeof expected_options[0], rec, len, n,
                mp);
    /* Row counts per table, written out: 7 attempts, 4+4+4+4+4+4+8 questions,
     * 14+14+13+13+14+16+33 options. */
    CHECK_EQ_INT(sizeof expected_assessments / sizeof expected_assessments[0], 7);
    CHECK_EQ_INT(sizeof expected_questions / sizeof expected_questions[0], 32);
    CHECK_EQ_INT(sizeof expected_options / sizeof expected_options[0], 117);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    free(buf);
}

/* Values written out by hand from the record text. */
static void test_fixture_hand_checks(void)
{
    char *buf;
    const char *rec[16];
    size_t len[16];
    size_t n = fixture_records(&buf, rec, len, 16);
    REQUIRE(n == 7);
    char err[512], reason[256];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    REQUIRE(m);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    const sl_map_result *res;
    sl_origin o = { "attempts", 3, 42, 1700000000123456, "k1", 2, NULL, 0 };
    /* Record 0: started_at "2018-01-23T14:23:19.082Z", keen_timestamp "1516717442.735266",
     * counts correct 2 of total 4, latest option at "2018-01-23T14:24:00.807Z". */
    REQUIRE(sl_mapper_map(mp, rec[0], len[0], &o, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->ntables, 3);
    CHECK_EQ_INT(res->tables[0].nrows, 1);
    CHECK_EQ_INT(res->tables[1].nrows, 4);
    CHECK_EQ_INT(res->tables[2].nrows, 14);
    CHECK_EQ_INT(res->tables[0].ncols, 22 + 4);
    CHECK_EQ_INT(cell(res, 0, 0, 4)->u.i, 1516717399082000);  /* started_at */
    CHECK_EQ_INT(cell(res, 0, 0, 5)->u.i, 1516717442735266);  /* keen_timestamp */
    CHECK(cell(res, 0, 0, 7)->u.d == 1.0);                     /* max_attempts "1.0" */
    CHECK_EQ_INT(cell(res, 0, 0, 8)->u.i, 0);                  /* certification "false" */
    CHECK_EQ_INT(cell(res, 0, 0, 11)->u.i, 4);                 /* question_count */
    CHECK(cell(res, 0, 0, 19)->u.d == 0.5);                    /* score 2/4 */
    CHECK_EQ_INT(cell(res, 0, 0, 20)->u.i, 1516717440807000); /* completed_at */
    CHECK(cell(res, 0, 0, 21)->u.d == 41.725);                 /* 14:24:00.807 - 14:23:19.082 */
    CHECK_EQ_INT(res->tables[0].dt[0], 17554);                 /* 2018-01-23 */
    CHECK_EQ_STR(cell(res, 0, 0, 22)->u.s.p, "attempts");      /* _topic */
    CHECK_EQ_INT(cell(res, 0, 0, 23)->u.i, 3);                 /* _partition */
    CHECK_EQ_INT(cell(res, 0, 0, 24)->u.i, 42);                /* _offset */
    CHECK_EQ_INT(cell(res, 0, 0, 25)->u.i, 1700000000123456);  /* _timestamp */
    REQUIRE(res->dedupe_key);
    CHECK_EQ_INT(res->dedupe_key_len, 24);
    CHECK(memcmp(res->dedupe_key, "5a6745820eb8ab00016be1f1", 24) == 0);
    CHECK_EQ_INT(res->extra_keys, 0);
    /* questions[2] of record 0: user_correct true, 4 options. */
    CHECK_EQ_INT(cell(res, 1, 2, 3)->u.i, 2);
    CHECK_EQ_INT(cell(res, 1, 2, 5)->u.i, 1);
    CHECK_EQ_INT(cell(res, 1, 2, 9)->u.i, 4);
    /* options: question 0 option 2 {"checked":false,"correct":true,"id":"d1bf026f-..."}:
     * no at (null), correct true, submitted false. */
    CHECK_EQ_INT(cell(res, 2, 2, 3)->u.i, 0);
    CHECK_EQ_INT(cell(res, 2, 2, 5)->u.i, 2);
    CHECK(memcmp(cell(res, 2, 2, 6)->u.s.p, "d1bf026f-554f-4543-bdd2-54dcf105b826", 36) == 0);
    CHECK_EQ_INT(cell(res, 2, 2, 7)->u.i, 0);
    CHECK_EQ_INT(cell(res, 2, 2, 8)->u.i, 1);
    CHECK_EQ_INT(cell(res, 2, 2, 9)->u.i, 0);
    CHECK(cell(res, 2, 2, 10)->is_null);
    /* question 1 option 0 {"checked":true,"at":"2018-01-23T14:23:30.116Z",...,"submitted":1}:
     * correct absent -> false, submitted true. */
    CHECK_EQ_INT(cell(res, 2, 3, 3)->u.i, 1);
    CHECK_EQ_INT(cell(res, 2, 3, 5)->u.i, 0);
    CHECK_EQ_INT(cell(res, 2, 3, 8)->u.i, 0);
    CHECK_EQ_INT(cell(res, 2, 3, 9)->u.i, 1);
    CHECK_EQ_INT(cell(res, 2, 3, 10)->u.i, 1516717410116000);
    CHECK_EQ_INT(res->tables[2].dt[13], 17554);
    /* Record 3: keen_timestamp "1516738921.1137421" (7 decimals) -> ...113742 us. */
    REQUIRE(sl_mapper_map(mp, rec[3], len[3], &o, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(cell(res, 0, 0, 5)->u.i, 1516738921113742);
    CHECK_EQ_INT(cell(res, 0, 0, 4)->u.i, 1516738870833000); /* 2018-01-23T20:21:10.833Z */
    /* Record 6: 8 questions, 6 of 8 correct, started 2017-12-20. */
    REQUIRE(sl_mapper_map(mp, rec[6], len[6], &o, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->tables[1].nrows, 8);
    CHECK_EQ_INT(res->tables[2].nrows, 33);
    CHECK(cell(res, 0, 0, 19)->u.d == 0.75);
    CHECK_EQ_INT(res->tables[0].dt[0], 17520); /* 2017-12-20 */
    CHECK_EQ_INT(cell(res, 2, 32, 3)->u.i, 7);  /* last option: question 7 */
    CHECK_EQ_INT(cell(res, 2, 32, 5)->u.i, 3);  /* its 4th option */
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    free(buf);
}

/* The built-in tables have exactly DESIGN.md's columns, types and order. */
static void test_builtin_schema(void)
{
    char err[512];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    REQUIRE(m);
    CHECK_EQ_STR(sl_mapping_name(m), "assessments");
    REQUIRE(sl_mapping_ntables(m) == 3);
    static const char *const want[3] = {
        "assessments:keen_id string!,user_exam_id string,base_exam_id string,exam_name string,started_at timestamp,"
        "keen_timestamp timestamp,keen_created_at timestamp,max_attempts double,certification boolean,"
        "sequence_id string,attempt int32,question_count int32,correct int32,incorrect int32,incomplete int32,"
        "submitted int32,unanswered int32,total int32,all_correct boolean,score double,completed_at timestamp,"
        "duration_s double,_topic string,_partition int32,_offset int64,_timestamp timestamp",
        "questions:keen_id string!,user_exam_id string,base_exam_id string,question_index int32,question_id string,"
        "user_correct boolean,user_incomplete boolean,user_submitted boolean,user_result string,option_count int32,"
        "_topic string,_partition int32,_offset int64,_timestamp timestamp",
        "options:keen_id string!,user_exam_id string,base_exam_id string,question_index int32,question_id string,"
        "option_index int32,option_id string,checked boolean,correct boolean,submitted boolean,at timestamp,"
        "_topic string,_partition int32,_offset int64,_timestamp timestamp",
    };
    for (size_t t = 0; t < 3; t++) {
        char got[2048];
        size_t pos = (size_t)snprintf(got, sizeof got, "%s:", sl_mapping_table_name(m, t));
        const sl_column *cols = sl_mapping_table_columns(m, t);
        for (size_t c = 0; c < sl_mapping_table_ncols(m, t); c++)
            pos += (size_t)snprintf(got + pos, sizeof got - pos, "%s%s %s%s", c ? "," : "", cols[c].name,
                                    sl_type_name(cols[c].type), cols[c].required ? "!" : "");
        CHECK_EQ_STR(got, want[t]);
    }
    sl_mapping_destroy(m);
    /* Built-in names and texts. */
    CHECK_EQ_STR(sl_mapping_builtin_name(0), "assessments");
    CHECK_EQ_STR(sl_mapping_builtin_name(1), "game-events");
    CHECK(sl_mapping_builtin_name(2) == NULL);
    size_t len = 0;
    const char *text = sl_mapping_builtin_text("game-events", &len);
    REQUIRE(text);
    CHECK(len > 100 && text[0] == '{' && strlen(text) == len);
    CHECK(sl_mapping_builtin_text("nope", &len) == NULL);
    CHECK(sl_mapping_load("nope", err, sizeof err) == NULL);
    CHECK(strstr(err, "no such built-in mapping (built-in: assessments, game-events)") != NULL);
    /* Quarantine columns. */
    CHECK_EQ_INT(sl_quarantine_ncols(), 7);
    CHECK_EQ_STR(sl_quarantine_columns()[0].name, "reason");
    CHECK_EQ_STR(sl_quarantine_columns()[1].name, "payload");
    CHECK_EQ_INT(sl_quarantine_columns()[1].type, SL_T_BINARY);
    CHECK_EQ_STR(sl_quarantine_columns()[6].name, "_timestamp");
}

/* Replaces the first occurrence of `from` in src with `to` (caller frees). */
static char *replace(const char *src, const char *from, const char *to)
{
    const char *p = strstr(src, from);
    if (!p)
        return NULL;
    size_t a = (size_t)(p - src), fl = strlen(from), tl = strlen(to), n = strlen(src);
    char *out = malloc(n - fl + tl + 1);
    memcpy(out, src, a);
    memcpy(out + a, to, tl);
    memcpy(out + a + tl, p + fl, n - a - fl + 1);
    return out;
}

/* Removes every `"key":value` member (value a string/number/bool or {...} without
 * nested braces) plus one adjacent comma. Good enough for the fixture's shapes. */
static char *remove_member(const char *src, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    char *out = strdup(src);
    char *p;
    while ((p = strstr(out, pat)) != NULL) {
        char *e = p + strlen(pat);
        if (*e == '{') {
            while (*e != '}')
                e++;
            e++;
        } else if (*e == '"') {
            e++;
            while (*e != '"')
                e++;
            e++;
        } else {
            while (*e != ',' && *e != '}')
                e++;
        }
        if (*e == ',')
            e++;
        else if (p > out && p[-1] == ',')
            p--;
        memmove(p, e, strlen(e) + 1);
    }
    return out;
}

static void test_absent_fields(void)
{
    char *buf;
    const char *rec[16];
    size_t len[16];
    REQUIRE(fixture_records(&buf, rec, len, 16) == 7);
    char *r0 = strndup(rec[0], len[0]);
    char *a = remove_member(r0, "certification");
    char *b = remove_member(a, "counts");
    char *c = remove_member(b, "at");
    char err[512], reason[256];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(m && mp);
    const sl_map_result *res;
    REQUIRE(sl_mapper_map(mp, c, strlen(c), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK(cell(res, 0, 0, 8)->is_null);   /* certification absent */
    for (int k = 12; k <= 18; k++)        /* counts.* absent */
        CHECK(cell(res, 0, 0, (size_t)k)->is_null);
    CHECK(cell(res, 0, 0, 19)->is_null);  /* score */
    CHECK(cell(res, 0, 0, 20)->is_null);  /* completed_at: no option has at */
    CHECK(cell(res, 0, 0, 21)->is_null);  /* duration_s */
    CHECK_EQ_INT(cell(res, 0, 0, 11)->u.i, 4); /* question_count still 4 */
    CHECK_EQ_INT(res->tables[2].nrows, 14);
    for (size_t r = 0; r < 14; r++)
        CHECK(cell(res, 2, r, 10)->is_null);
    CHECK(cell(res, 0, 0, 22)->is_null); /* no origin: provenance null */
    CHECK(cell(res, 0, 0, 25)->is_null);
    /* total 0 -> score null; correct 0 of total 4 -> 0. */
    char *z = replace(r0, "\"total\":4", "\"total\":0");
    REQUIRE(sl_mapper_map(mp, z, strlen(z), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK(cell(res, 0, 0, 19)->is_null);
    CHECK_EQ_INT(cell(res, 0, 0, 17)->u.i, 0);
    char *y = replace(r0, "\"correct\":2", "\"correct\":0");
    REQUIRE(sl_mapper_map(mp, y, strlen(y), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK(!cell(res, 0, 0, 19)->is_null && cell(res, 0, 0, 19)->u.d == 0.0);
    /* No started_at: dt is __HIVE_DEFAULT_PARTITION__ for all three tables. */
    char *s = remove_member(r0, "started_at");
    REQUIRE(sl_mapper_map(mp, s, strlen(s), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK(cell(res, 0, 0, 4)->is_null);
    CHECK(cell(res, 0, 0, 21)->is_null); /* duration needs started_at */
    CHECK_EQ_INT(res->tables[0].dt[0], SL_DT_NONE);
    CHECK_EQ_INT(res->tables[1].dt[3], SL_DT_NONE);
    CHECK_EQ_INT(res->tables[2].dt[13], SL_DT_NONE);
    /* An empty questions array: one assessment row, no question or option rows. */
    const char *e = "{\"keen_id\":\"k\",\"sequences\":{\"questions\":[]}}";
    REQUIRE(sl_mapper_map(mp, e, strlen(e), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->tables[0].nrows, 1);
    CHECK_EQ_INT(res->tables[1].nrows, 0);
    CHECK_EQ_INT(res->tables[2].nrows, 0);
    CHECK_EQ_INT(cell(res, 0, 0, 11)->u.i, 0);
    free(r0); free(a); free(b); free(c); free(z); free(y); free(s);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    free(buf);
}

/* ---- mapping-file errors ---- */
#define T1(cols) "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"columns\":[" cols "]}]}"

static void test_mapping_errors(void)
{
    static const struct { const char *text, *want; } cases[] = {
        { "[]", "t.json: expected a JSON object at the top level, got an array" },
        { "{\"tables\":[]}", "t.json: missing 'name'" },
        { "{\"name\":\"x\"}", "t.json: missing 'tables'" },
        { "{\"name\":\"x\",\"tables\":[]}", "t.json: tables: expected a non-empty array of tables, got an empty array" },
        { "{\"name\":\"x y\",\"tables\":[]}", "t.json: name: 'x y' is not a mapping name (letters, digits, _ and -, at most 64)" },
        { "{\"name\":\"x\",\"tabels\":[]}",
          "t.json: unknown key 'tabels' (expected one of name, description, dedupe, tenant, when, unmatched, partition, tables)" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"},{\"name\":\"b\",\"type\":\"string\",\"path\":\"$.b\"},"
             "{\"name\":\"c\",\"type\":\"int\",\"path\":\"$.c\"}"),
          "t.json: tables[0].columns[2].type: unknown type 'int' (expected one of boolean, int32, int64, double, "
          "string, binary, timestamp, date)" },
        { "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"colums\":[]}]}",
          "t.json: tables[0]: unknown key 'colums' (expected one of name, description, rows, when, partition, columns)" },
        { T1("{\"name\":\"a\",\"type\":\"string\"}"),
          "t.json: tables[0].columns[0]: no source (expected one of path, index, exists, count, min, max, sum, ratio, "
          "difference)" },
        { T1("{\"name\":\"a\",\"type\":\"int32\",\"path\":\"$.a\",\"count\":\"$.b[*]\"}"),
          "t.json: tables[0].columns[0]: both 'path' and 'count' given (a column has one source)" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a..b\"}"),
          "t.json: tables[0].columns[0].path: path '$.a..b': empty member name at position 5" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"a.b\"}"),
          "t.json: tables[0].columns[0].path: path 'a.b' must start with '$' (the message) or '@' (the row)" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.q[*].id\"}"),
          "t.json: tables[0].columns[0].path: path '$.q[*].id' yields many values per row ([*] number 1 is not a "
          "row level of this table, whose rows are '$'); use count, min, max or sum, or a table whose rows are "
          "these elements" },
        { T1("{\"name\":\"a\",\"type\":\"double\",\"ratio\":[\"b\",\"c\"]}"),
          "t.json: tables[0].columns[0].ratio[0]: no column 'b' before this one in the table (operands must be "
          "defined earlier)" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"},{\"name\":\"A\",\"type\":\"string\",\"path\":\"$.b\"}"),
          "t.json: tables[0].columns[1].name: duplicate column name 'A' (also columns[0]; names are case-insensitive)" },
        { T1("{\"name\":\"_a\",\"type\":\"string\",\"path\":\"$.a\"}"),
          "t.json: tables[0].columns[0].name: '_a': names starting with '_' are reserved (provenance columns)" },
        { T1("{\"name\":\"dt\",\"type\":\"string\",\"path\":\"$.a\"}"),
          "t.json: tables[0].columns[0].name: 'dt' is reserved for the partition folder" },
        { T1("{\"name\":\"a\",\"type\":\"int32\",\"exists\":\"$.a\"}"),
          "t.json: tables[0].columns[0]: 'exists' makes a boolean column, not int32" },
        { T1("{\"name\":\"a\",\"type\":\"int32\",\"index\":\"@\"}"),
          "t.json: tables[0].columns[0].index: '@' is not one of the table's row levels (rows: '$'; an index names "
          "a [*] of the rows path, or '@')" },
        { T1("{\"name\":\"a\",\"type\":\"boolean\",\"path\":\"$.a\",\"default\":\"yes\"}"),
          "t.json: tables[0].columns[0].default: expected a boolean, got \"yes\" (the column's type is boolean)" },
        { T1("{\"name\":\"a\",\"type\":\"int32\",\"count\":\"$.a[*]\",\"required\":true}"),
          "t.json: tables[0].columns[0]: 'required' only applies to a column with a 'path'" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"},{\"name\":\"b\",\"type\":\"double\",\"ratio\":[\"a\",\"a\"]}"),
          "t.json: tables[0].columns[1].ratio: ratio needs numeric columns, not string and string" },
        { T1("{\"name\":\"a\",\"type\":\"timestamp\",\"path\":\"$.a\"},{\"name\":\"b\",\"type\":\"int64\",\"difference\":[\"a\",\"a\"]}"),
          "t.json: tables[0].columns[1]: a difference of timestamps is seconds: type must be double, not int64" },
        { "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"partition\":\"a\",\"columns\":[{\"name\":\"a\",\"type\":\"string\","
          "\"path\":\"$.a\"}]}]}",
          "t.json: tables[0].partition: column 'a' is string; a partition column must be a timestamp or a date" },
        { "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"when\":{\"path\":\"$.a\"},\"columns\":[{\"name\":\"a\",\"type\":"
          "\"string\",\"path\":\"$.a\"}]}]}",
          "t.json: tables[0].when: no test (expected one of equals, in, prefix, exists, all, any, not)" },
        { "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"when\":{\"path\":\"$.a\",\"equals\":1,\"prefix\":\"b\"},\"columns\":"
          "[{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"}]}]}",
          "t.json: tables[0].when: both 'equals' and 'prefix' given (one test per condition; combine with all/any)" },
        { "{\"name\":\"x\",\"dedupe\":\"@.id\",\"tables\":[{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"string\","
          "\"path\":\"$.a\"}]}]}",
          "t.json: dedupe: '@' (the row) only has a meaning inside a table; use '$' (the message)" },
        { "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"rows\":\"$.a\",\"columns\":[{\"name\":\"a\",\"type\":\"string\","
          "\"path\":\"$.a\"}]}]}",
          "t.json: tables[0].rows: rows '$.a' must be '$' (one row per message) or end with [*] (one row per element)" },
        { "{\"name\":\"x\",\"tables\":[{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"}]},"
          "{\"name\":\"t\",\"columns\":[{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a\"}]}]}",
          "t.json: tables[1].name: duplicate table name 't' (also tables[0])" },
        { "{\"name\":\"x\",\"unmatched\":\"drop\",\"tables\":[]}",
          "t.json: unmatched: expected 'quarantine' or 'skip', got 'drop'" },
        { T1("{\"name\":\"a\",\"type\":\"string\",\"path\":\"$.a[\"}"),
          "t.json: tables[0].columns[0].path: path '$.a[': expected '*', an index or a quoted name after '[' at "
          "position 4" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "";
        sl_mapping *m = parse_mapping(cases[i].text, err, sizeof err);
        CHECK(m == NULL);
        if (m) {
            fprintf(stderr, "  case %zu: accepted\n", i);
            sl_mapping_destroy(m);
        }
        CHECK_EQ_STR(err, cases[i].want);
    }
    /* Invalid JSON names the parser's message and position. */
    char err[512];
    CHECK(parse_mapping("{\"name\": \"x\",", err, sizeof err) == NULL);
    CHECK(strncmp(err, "t.json: invalid JSON: ", 22) == 0 && strstr(err, "line 1") && strstr(err, "byte"));
    /* A file that does not exist. */
    CHECK(sl_mapping_load("/nonexistent/m.json", err, sizeof err) == NULL);
    CHECK_EQ_STR(err, "/nonexistent/m.json: No such file or directory");
}

/* ---- coercion ---- */
static const char *coerce_mapping =
    "{\"name\":\"c\",\"tables\":[{\"name\":\"t\",\"columns\":["
    "{\"name\":\"i32\",\"type\":\"int32\",\"path\":\"$.i32\"},"
    "{\"name\":\"i64\",\"type\":\"int64\",\"path\":\"$.i64\"},"
    "{\"name\":\"d\",\"type\":\"double\",\"path\":\"$.d\"},"
    "{\"name\":\"b\",\"type\":\"boolean\",\"path\":\"$.b\"},"
    "{\"name\":\"ts\",\"type\":\"timestamp\",\"path\":\"$.ts\"},"
    "{\"name\":\"day\",\"type\":\"date\",\"path\":\"$.day\"},"
    "{\"name\":\"s\",\"type\":\"string\",\"path\":\"$.s\"},"
    "{\"name\":\"bin\",\"type\":\"binary\",\"path\":\"$.bin\"},"
    "{\"name\":\"dflt\",\"type\":\"int64\",\"path\":\"$.dflt\",\"default\":\"-7\"}"
    "]}]}";

static void test_coercion(void)
{
    static const struct { const char *msg; int col; const char *want; } cases[] = {
        { "{\"i32\":12}", 0, "i:12" },
        { "{\"i32\":\"-12\"}", 0, "i:-12" },
        { "{\"i32\":2147483647}", 0, "i:2147483647" },
        { "{\"i32\":-2147483648}", 0, "i:-2147483648" },
        { "{\"i32\":2147483648}", 0, "Q:i32: expected an int32, got 2147483648 (out of range)" },
        { "{\"i32\":1.5}", 0, "Q:i32: expected an integer, got 1.5" },
        { "{\"i32\":1e3}", 0, "Q:i32: expected an integer, got 1000 (out of range or not an integer literal)" },
        { "{\"i32\":\"1.0\"}", 0, "Q:i32: expected an integer, got \"1.0\"" },
        { "{\"i32\":\" 1\"}", 0, "Q:i32: expected an integer, got \" 1\"" },
        { "{\"i32\":true}", 0, "Q:i32: expected an integer, got true" },
        { "{\"i32\":null}", 0, "null" },
        { "{}", 0, "null" },
        { "{\"i64\":9223372036854775807}", 1, "i:9223372036854775807" },
        { "{\"i64\":\"-9223372036854775808\"}", 1, "i:-9223372036854775808" },
        { "{\"i64\":\"9223372036854775808\"}", 1, "Q:i64: expected an integer, got \"9223372036854775808\"" },
        { "{\"i64\":[1]}", 1, "Q:i64: expected an integer, got an array" },
        { "{\"d\":\"1.0\"}", 2, "d:1" },
        { "{\"d\":3}", 2, "d:3" },
        { "{\"d\":\"-2.5e-3\"}", 2, "d:-0.0025000000000000001" },
        { "{\"d\":\"NaN\"}", 2, "Q:d: expected a number, got \"NaN\"" },
        { "{\"d\":\"1e999\"}", 2, "Q:d: expected a number, got \"1e999\"" },
        { "{\"d\":\"\"}", 2, "Q:d: expected a number, got \"\"" },
        { "{\"d\":{}}", 2, "Q:d: expected a number, got an object" },
        { "{\"b\":\"true\"}", 3, "i:1" },
        { "{\"b\":false}", 3, "i:0" },
        { "{\"b\":1}", 3, "Q:b: expected a boolean, got 1" },
        { "{\"b\":\"TRUE\"}", 3, "Q:b: expected a boolean, got \"TRUE\"" },
        { "{\"ts\":\"2018-01-23T14:23:19.082Z\"}", 4, "i:1516717399082000" },
        { "{\"ts\":\"2018-01-23T15:23:19.082+01:00\"}", 4, "i:1516717399082000" },
        { "{\"ts\":\"2018-01-23T09:23:19.082-0500\"}", 4, "i:1516717399082000" },
        { "{\"ts\":\"2018-01-23T16:23:19.082+02\"}", 4, "i:1516717399082000" },
        { "{\"ts\":\"2018-01-23T14:23:19.082123456Z\"}", 4, "i:1516717399082123" },
        { "{\"ts\":\"2018-01-23 14:23:19\"}", 4, "i:1516717399000000" },
        { "{\"ts\":\"2018-01-23t14:23Z\"}", 4, "i:1516717380000000" },
        { "{\"ts\":\"2018-01-23\"}", 4, "i:1516665600000000" },
        { "{\"ts\":\"1516717442.735266\"}", 4, "i:1516717442735266" },
        { "{\"ts\":\"1516738921.1137421\"}", 4, "i:1516738921113742" },
        { "{\"ts\":\"1516717442\"}", 4, "i:1516717442000000" },
        { "{\"ts\":1516717442}", 4, "i:1516717442000000" },
        { "{\"ts\":1516717442.735266}", 4, "i:1516717442735266" },
        { "{\"ts\":\"-1.5\"}", 4, "i:-1500000" },
        { "{\"ts\":\"1969-12-31T23:59:59.999999Z\"}", 4, "i:-1" },
        { "{\"ts\":\"2000-02-29T00:00:00Z\"}", 4, "i:951782400000000" },
        { "{\"ts\":\"2016-12-31T23:59:60Z\"}", 4, "i:1483228800000000" },
        { "{\"ts\":\"0001-01-01T00:00:00Z\"}", 4, "i:-62135596800000000" },
        { "{\"ts\":\"9999-12-31T23:59:59.999999Z\"}", 4, "i:253402300799999999" },
        { "{\"ts\":\"2018-02-29T00:00:00Z\"}", 4,
          "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"2018-02-29T00:00:00Z\"" },
        { "{\"ts\":\"1900-02-29\"}", 4, "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"1900-02-29\"" },
        { "{\"ts\":\"2018-01-23T24:00:00Z\"}", 4,
          "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"2018-01-23T24:00:00Z\"" },
        { "{\"ts\":\"2018-01-23T14:23:19.Z\"}", 4,
          "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"2018-01-23T14:23:19.Z\"" },
        { "{\"ts\":\"2018-01-23T14:23:19ZZ\"}", 4,
          "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"2018-01-23T14:23:19ZZ\"" },
        { "{\"ts\":\"1516717442.\"}", 4, "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"1516717442.\"" },
        { "{\"ts\":\"99999999999999999999\"}", 4,
          "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"99999999999999999999\"" },
        { "{\"ts\":\"yesterday\"}", 4, "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got \"yesterday\"" },
        { "{\"ts\":true}", 4, "Q:ts: expected a timestamp (ISO 8601 or epoch seconds), got true" },
        { "{\"day\":\"2018-01-23\"}", 5, "i:17554" },
        { "{\"day\":\"2018-01-23T23:30:00-02:00\"}", 5, "i:17555" },
        { "{\"day\":\"1969-12-31T23:59:59Z\"}", 5, "i:-1" },
        { "{\"day\":17554}", 5, "Q:day: expected a date, got 17554" },
        { "{\"s\":\"h\\u00e9\\n\"}", 6, "s:h\xc3\xa9\n" },
        { "{\"s\":42}", 6, "s:42" },
        { "{\"s\":-0.1}", 6, "s:-0.1" },
        { "{\"s\":1e300}", 6, "s:1e+300" },
        { "{\"s\":true}", 6, "s:true" },
        { "{\"s\":{\"a\": [1, \"x\"]}}", 6, "s:{\"a\":[1,\"x\"]}" },
        { "{\"bin\":\"abc\"}", 7, "s:abc" },
        { "{}", 8, "i:-7" },
        { "{\"dflt\":null}", 8, "i:-7" },
        { "{\"dflt\":5}", 8, "i:5" },
    };
    char err[512];
    sl_mapping *m = parse_mapping(coerce_mapping, err, sizeof err);
    if (!m)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(m);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    const sl_column *cols = sl_mapping_table_columns(m, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const sl_map_result *res;
        char reason[256], got[512];
        sl_map_status st = sl_mapper_map(mp, cases[i].msg, strlen(cases[i].msg), NULL, &res, reason, sizeof reason);
        if (st == SL_MAP_OK)
            cell_text(cell(res, 0, 0, (size_t)cases[i].col), cols[cases[i].col].type, got, sizeof got);
        else
            snprintf(got, sizeof got, "Q:%s", reason);
        if (strcmp(got, cases[i].want) != 0)
            fprintf(stderr, "  case %zu: %s\n", i, cases[i].msg);
        CHECK_EQ_STR(got, cases[i].want);
    }
    /* The time parser on its own. */
    int64_t us;
    CHECK(sl_map_parse_timestamp("1970-01-01T00:00:00Z", 20, &us) == 0 && us == 0);
    CHECK(sl_map_parse_timestamp("1516717442.735266", 17, &us) == 0 && us == 1516717442735266);
    CHECK(sl_map_parse_timestamp("", 0, &us) == -1);
    CHECK(sl_map_parse_timestamp("-", 1, &us) == -1);
    CHECK_EQ_INT(sl_map_days_from_civil(2018, 1, 23), 17554);
    CHECK_EQ_INT(sl_map_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(sl_map_days_from_civil(1600, 3, 1), -135080);
    CHECK_EQ_INT(sl_map_date_of_us(-1), -1);
    CHECK_EQ_INT(sl_map_date_of_us(86400000000 - 1), 0);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
}

/* ---- routing ---- */
static void test_routing_game_events(void)
{
    char err[512], reason[256];
    sl_mapping *m = sl_mapping_load("game-events", err, sizeof err);
    if (!m)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(m);
    REQUIRE(sl_mapping_ntables(m) == 2);
    int tp = table_index(m, "purchases"), tg = table_index(m, "guild_joins");
    REQUIRE(tp == 0 && tg == 1);
    CHECK_EQ_INT(col_index(m, 0, "user_agent"), 3);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    static const struct { const char *msg; int purchases, guild; const char *reason; } cases[] = {
        { "{\"event_type\":\"purchase_sword\",\"userid\":\"u1\",\"Host\":\"user1.comcast.com\",\"User-Agent\":\"curl/7.47.0\","
          "\"timestamp\":\"2018-08-03T10:00:00.5Z\"}", 1, 0, NULL },
        { "{\"event_type\":\"purchase_knife\",\"userid\":7,\"timestamp\":1533290400}", 1, 0, NULL },
        { "{\"event_type\":\"join_guild\",\"Host\":\"h\",\"timestamp\":\"2018-08-03T10:00:00Z\",\"extra\":1}", 0, 1, NULL },
        { "{\"event_type\":\"dance\"}", 0, 0, "no table for event_type \"dance\"" },
        { "{\"event_type\":\"purchase\"}", 0, 0, "no table for event_type \"purchase\"" },
        { "{\"userid\":\"u\"}", 0, 0, "no table for event_type (absent)" },
        { "{\"event_type\":7}", 0, 0, "no table for event_type 7" },
        { "{\"event_type\":\"join_guild\",\"timestamp\":\"noon\"}", 0, 0,
          "timestamp: expected a timestamp (ISO 8601 or epoch seconds), got \"noon\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const sl_map_result *res;
        sl_map_status st = sl_mapper_map(mp, cases[i].msg, strlen(cases[i].msg), NULL, &res, reason, sizeof reason);
        if (cases[i].reason) {
            CHECK(st == SL_MAP_QUARANTINE);
            CHECK_EQ_STR(reason, cases[i].reason);
            continue;
        }
        REQUIRE(st == SL_MAP_OK);
        CHECK_EQ_INT(res->tables[0].nrows, cases[i].purchases);
        CHECK_EQ_INT(res->tables[1].nrows, cases[i].guild);
    }
    const sl_map_result *res;
    REQUIRE(sl_mapper_map(mp, cases[0].msg, strlen(cases[0].msg), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK(memcmp(cell(res, 0, 0, 0)->u.s.p, "purchase_sword", 14) == 0);
    CHECK(memcmp(cell(res, 0, 0, 1)->u.s.p, "u1", 2) == 0);
    CHECK(memcmp(cell(res, 0, 0, 2)->u.s.p, "user1.comcast.com", 17) == 0);
    CHECK(memcmp(cell(res, 0, 0, 3)->u.s.p, "curl/7.47.0", 11) == 0);
    CHECK_EQ_INT(cell(res, 0, 0, 4)->u.i, 1533290400500000);
    CHECK_EQ_INT(res->tables[0].dt[0], 17746); /* 2018-08-03 */
    CHECK(res->dedupe_key == NULL);
    REQUIRE(sl_mapper_map(mp, cases[1].msg, strlen(cases[1].msg), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(cell(res, 0, 0, 1)->u.s.n, 1); /* userid 7 -> "7" */
    CHECK(cell(res, 0, 0, 1)->u.s.p[0] == '7');
    CHECK(cell(res, 0, 0, 2)->is_null);
    REQUIRE(sl_mapper_map(mp, cases[2].msg, strlen(cases[2].msg), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->extra_keys, 1);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);

    /* "unmatched": "skip", a mapping-level when, in/exists/not/any, and a
     * nested table filtered row by row. */
    const char *text =
        "{\"name\":\"r\",\"unmatched\":\"skip\",\"when\":{\"path\":\"$.v\",\"in\":[1,2,\"two\"]},\"tables\":["
        "{\"name\":\"a\",\"when\":{\"any\":[{\"path\":\"$.k\",\"equals\":\"a\"},{\"path\":\"$.flag\",\"exists\":true}]},"
        "\"columns\":[{\"name\":\"k\",\"type\":\"string\",\"path\":\"$.k\"}]},"
        "{\"name\":\"b\",\"when\":{\"not\":{\"path\":\"$.k\",\"prefix\":\"a\"}},"
        "\"columns\":[{\"name\":\"k\",\"type\":\"string\",\"path\":\"$.k\"}]},"
        "{\"name\":\"c\",\"rows\":\"$.items[*]\",\"when\":{\"path\":\"@.keep\",\"equals\":true},"
        "\"columns\":[{\"name\":\"i\",\"type\":\"int32\",\"index\":\"@\"}]}]}";
    m = parse_mapping(text, err, sizeof err);
    if (!m)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(m);
    mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    static const struct { const char *msg; int a, b, c, unmatched; } rc[] = {
        { "{\"v\":1,\"k\":\"a\"}", 1, 0, 0, 0 },
        { "{\"v\":2.0,\"k\":\"b\"}", 0, 1, 0, 0 },
        { "{\"v\":\"two\",\"k\":\"ab\",\"flag\":null}", 0, 0, 0, 1 },
        { "{\"v\":\"two\",\"k\":\"ab\",\"flag\":0}", 1, 0, 0, 0 },
        { "{\"v\":3,\"k\":\"a\"}", 0, 0, 0, 1 },
        { "{\"k\":\"a\"}", 0, 0, 0, 1 },
        { "{\"v\":1,\"k\":\"b\",\"items\":[{\"keep\":true},{\"keep\":false},{},{\"keep\":true}]}", 0, 1, 2, 0 },
    };
    for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++) {
        const sl_map_result *r;
        REQUIRE(sl_mapper_map(mp, rc[i].msg, strlen(rc[i].msg), NULL, &r, reason, sizeof reason) == SL_MAP_OK);
        CHECK_EQ_INT(r->tables[0].nrows, rc[i].a);
        CHECK_EQ_INT(r->tables[1].nrows, rc[i].b);
        CHECK_EQ_INT(r->tables[2].nrows, rc[i].c);
        CHECK_EQ_INT(r->unmatched, rc[i].unmatched);
        if (rc[i].c == 2) {
            CHECK_EQ_INT(cell(r, 2, 0, 0)->u.i, 0);
            CHECK_EQ_INT(cell(r, 2, 1, 0)->u.i, 3);
        }
    }
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
}

/* ---- quarantine reasons ---- */
static void test_quarantine_corpus(void)
{
    char *buf;
    const char *rec[16];
    size_t len[16];
    REQUIRE(fixture_records(&buf, rec, len, 16) == 7);
    char *r0 = strndup(rec[0], len[0]);
    char err[512], reason[512];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(m && mp);
    const sl_map_result *res;

    /* Exact reasons for problems the mapping finds. */
    struct { char *msg; const char *want; } exact[] = {
        { strdup(""), "empty message" },
        { strdup(" \r\n\t"), "empty message" },
        { strdup("[1,2]"), "message is not a JSON object (got an array)" },
        { strdup("\"x\""), "message is not a JSON object (got \"x\")" },
        { strdup("42"), "message is not a JSON object (got 42)" },
        { remove_member(r0, "keen_id"), "keen_id: missing (required by column assessments.keen_id)" },
        { replace(r0, "\"keen_id\":\"5a6745820eb8ab00016be1f1\"", "\"keen_id\":null"),
          "keen_id: null (required by column assessments.keen_id)" },
        { replace(r0, "\"total\":4", "\"total\":3.5"), "sequences.counts.total: expected an integer, got 3.5" },
        { replace(r0, "\"total\":4", "\"total\":\"four\""), "sequences.counts.total: expected an integer, got \"four\"" },
        { replace(r0, "\"attempt\":1", "\"attempt\":123456789012345678901234567890"),
          "sequences.attempt: expected an integer, got 1.2345678901234568e+29 (out of range or not an integer literal)" },
        { replace(r0, "\"attempt\":1", "\"attempt\":4294967296"),
          "sequences.attempt: expected an int32, got 4294967296 (out of range)" },
        { replace(r0, "\"started_at\":\"2018-01-23T14:23:19.082Z\"", "\"started_at\":\"yesterday\""),
          "started_at: expected a timestamp (ISO 8601 or epoch seconds), got \"yesterday\"" },
        { replace(r0, "\"certification\":\"false\"", "\"certification\":\"maybe\""),
          "certification: expected a boolean, got \"maybe\"" },
        { replace(r0, "\"max_attempts\":\"1.0\"", "\"max_attempts\":\"one\""),
          "max_attempts: expected a number, got \"one\"" },
        { replace(r0, "\"at\":\"2018-01-23T14:23:25.914Z\"", "\"at\":\"soon\""),
          "sequences.questions[0].options[1].at: expected a timestamp (ISO 8601 or epoch seconds), got \"soon\"" },
        { replace(r0, "\"user_correct\":true", "\"user_correct\":\"yes\""),
          "sequences.questions[2].user_correct: expected a boolean, got \"yes\"" },
        { replace(r0, "\"checked\":false,\"id\":\"85795acc", "\"checked\":0,\"id\":\"85795acc"),
          "sequences.questions[2].options[1].checked: expected a boolean, got 0" },
        { strdup("{\"keen_id\":\"k\",\"sequences\":{\"questions\":\"none\"}}"),
          "sequences.questions: expected an array, got \"none\"" },
        { strdup("{\"keen_id\":\"k\",\"sequences\":{\"questions\":[{\"options\":{}}]}}"),
          "sequences.questions[0].options: expected an array, got an object" },
        /* a container the mapping reads through has the wrong shape: quarantined, not nulls */
        { strdup("{\"keen_id\":\"k\",\"sequences\":\"oops\"}"), "sequences: expected an object, got \"oops\"" },
        { strdup("{\"keen_id\":\"k\",\"sequences\":[1]}"), "sequences: expected an object, got an array" },
        { strdup("{\"keen_id\":\"k\",\"sequences\":{\"counts\":7}}"), "sequences.counts: expected an object, got 7" },
        { strdup("{\"keen_id\":\"k\",\"sequences\":{\"questions\":[{\"options\":[true]}]}}"),
          "sequences.questions[0].options[0]: expected an object, got true" },
        { strdup("{\"keen_id\":[\"k\"]}"), "dedupe key $.keen_id: expected a string or a number, got an array" },
        { strdup("{\"keen_id\":{}}"), "dedupe key $.keen_id: expected a string or a number, got an object" },
    };
    size_t nexact = sizeof exact / sizeof exact[0];
    for (size_t i = 0; i < nexact; i++) {
        REQUIRE(exact[i].msg);
        sl_map_status st = sl_mapper_map(mp, exact[i].msg, strlen(exact[i].msg), NULL, &res, reason, sizeof reason);
        if (st != SL_MAP_QUARANTINE)
            fprintf(stderr, "  case %zu mapped\n", i);
        CHECK(st == SL_MAP_QUARANTINE);
        CHECK(res == NULL);
        CHECK_EQ_STR(reason, exact[i].want);
    }
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        free(exact[i].msg);

    /* Problems the JSON parser finds: "invalid JSON: <parser message> at line L,
     * column C (byte O)", checked for the prefix, a word of the message and the offset. */
    size_t n0 = strlen(r0);
    char *trunc = strndup(r0, 100);
    char *trail = malloc(n0 + 3);
    memcpy(trail, r0, n0);
    memcpy(trail + n0, " x", 3);
    char *bad_utf8 = replace(r0, "Master Class", "Master \xff\xfe");
    char *surrogate = replace(r0, "Master Class", "Master \\ud800 Class");
    char *bom = malloc(n0 + 4);
    memcpy(bom, "\xEF\xBB\xBF", 3);
    memcpy(bom + 3, r0, n0 + 1);
    char *nan = replace(r0, "\"attempt\":1", "\"attempt\":NaN");
    char *huge = replace(r0, "\"attempt\":1", "\"attempt\":1e400");
    char *dup = replace(r0, "\"keen_id\":", "\"keen_id\":\"x\",\"keen_id\":");
    char *ctrl = replace(r0, "Master Class", "Master\tClass");
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 16);
    size_t dp = (size_t)sprintf(deep, "{\"a\":");
    for (size_t i = 0; i < depth; i++)
        deep[dp++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[dp++] = ']';
    deep[dp++] = '}';
    deep[dp] = 0;
    char *unterminated = malloc(2000016);
    strcpy(unterminated, "{\"keen_id\":\"");
    memset(unterminated + 12, 'x', 2000000);
    unterminated[2000012] = 0;
    struct { const char *msg; size_t len; const char *word; long offset; } parse[] = {
        { trunc, 100, "", -1 },
        { trail, n0 + 2, "", (long)n0 + 1 },
        { bad_utf8, strlen(bad_utf8), "UTF-8", -1 },
        { surrogate, strlen(surrogate), "surrogate", -1 },
        { bom, n0 + 3, "", 0 },
        { nan, strlen(nan), "", -1 },
        { huge, strlen(huge), "range", -1 },
        { dup, strlen(dup), "duplicate", -1 },
        { ctrl, strlen(ctrl), "", -1 },
        { deep, dp, "deep", -1 },
        { unterminated, 2000012, "", -1 },
        { "{\"a\":1,}", 8, "", 7 },
        { "{\"a\" 1}", 7, "", 5 },
        { "{\"a\":01}", 8, "", -1 },
        { "{\"a\":\"\\x\"}", 10, "", -1 },
    };
    for (size_t i = 0; i < sizeof parse / sizeof parse[0]; i++) {
        sl_map_status st = sl_mapper_map(mp, parse[i].msg, parse[i].len, NULL, &res, reason, sizeof reason);
        CHECK(st == SL_MAP_QUARANTINE);
        int ok = strncmp(reason, "invalid JSON: ", 14) == 0 && strstr(reason, "(byte ") &&
                 strstr(reason, parse[i].word);
        if (ok && parse[i].offset >= 0) {
            char want[64];
            snprintf(want, sizeof want, "(byte %ld)", parse[i].offset);
            ok = strstr(reason, want) != NULL;
        }
        if (!ok)
            fprintf(stderr, "  parse case %zu: %s\n", i, reason);
        CHECK(ok);
    }
    /* A 2 MB string is fine: it maps, byte for byte. */
    char *big = malloc(2000100);
    int bp = sprintf(big, "{\"keen_id\":\"k\",\"exam_name\":\"");
    memset(big + bp, 'y', 2000000);
    strcpy(big + bp + 2000000, "\"}");
    REQUIRE(sl_mapper_map(mp, big, strlen(big), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(cell(res, 0, 0, 3)->u.s.n, 2000000);
    CHECK(cell(res, 0, 0, 3)->u.s.p[1999999] == 'y');
    /* After all that, the mapper still maps a good record correctly. */
    REQUIRE(sl_mapper_map(mp, r0, n0, NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->tables[2].nrows, 14);
    CHECK_EQ_INT(cell(res, 0, 0, 4)->u.i, 1516717399082000);
    /* A small reason buffer is cut, never overrun. */
    char small[12];
    CHECK(sl_mapper_map(mp, "[]", 2, NULL, &res, small, sizeof small) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(small, "message is ");
    /* The quarantine row. */
    sl_value q[7];
    sl_origin o = { "topic", 2, 99, SL_TS_NULL, "key", 3, NULL, 0 };
    sl_quarantine_row(q, "empty message", "", 0, &o);
    CHECK_EQ_INT(q[0].u.s.n, 13);
    CHECK(!q[1].is_null && q[1].u.s.n == 0);
    CHECK(!q[2].is_null && q[2].u.s.n == 3 && memcmp(q[2].u.s.p, "key", 3) == 0);
    CHECK_EQ_INT(q[4].u.i, 2);
    CHECK_EQ_INT(q[5].u.i, 99);
    CHECK(q[6].is_null);
    o.key = NULL;
    sl_quarantine_row(q, "r", "ab", 2, &o);
    CHECK(q[2].is_null);
    CHECK(q[1].u.s.n == 2);
    free(trunc); free(trail); free(bad_utf8); free(surrogate); free(bom); free(nan); free(huge); free(dup);
    free(ctrl); free(deep); free(unterminated); free(big); free(r0);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    free(buf);
}

static void test_extra_keys(void)
{
    char *buf;
    const char *rec[16];
    size_t len[16];
    REQUIRE(fixture_records(&buf, rec, len, 16) == 7);
    char *r0 = strndup(rec[0], len[0]);
    char *a = replace(r0, "{\"keen_timestamp\"", "{\"zzz\":{\"deep\":[1,2]},\"keen_timestamp\"");
    char *b = replace(a, "\"checked\":false,\"id\":\"85795acc", "\"checked\":false,\"note\":\"n\",\"id\":\"85795acc");
    char *c = replace(b, "\"all_correct\":false", "\"all_correct\":false,\"bonus\":1,\"penalty\":0");
    char err[512], reason[256];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(m && mp && c);
    const sl_map_result *res;
    REQUIRE(sl_mapper_map(mp, c, strlen(c), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->extra_keys, 4); /* zzz, note, bonus, penalty */
    CHECK_EQ_INT(res->tables[2].nrows, 14);
    REQUIRE(sl_mapper_map(mp, r0, strlen(r0), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->extra_keys, 0);
    free(r0); free(a); free(b); free(c);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    free(buf);
}

/* Nested levels, bound ancestors, fixed indexes, quoted names, aggregates,
 * arithmetic and partitions by column. */
static void test_paths_and_aggregates(void)
{
    const char *text =
        "{\"name\":\"n\",\"dedupe\":\"$.id\",\"tables\":["
        "{\"name\":\"items\",\"rows\":\"$.orders[*].items[*]\",\"partition\":\"$.orders[*].day\",\"columns\":["
        "{\"name\":\"order_id\",\"type\":\"string\",\"path\":\"$.orders[*].id\"},"
        "{\"name\":\"order_no\",\"type\":\"int32\",\"index\":\"$.orders[*]\"},"
        "{\"name\":\"item_no\",\"type\":\"int64\",\"index\":\"@\"},"
        "{\"name\":\"sku\",\"type\":\"string\",\"path\":\"@.sku\"},"
        "{\"name\":\"first_tag\",\"type\":\"string\",\"path\":\"@.tags[0]\"},"
        "{\"name\":\"odd\",\"type\":\"string\",\"path\":\"@[\\\"we.ird\\\"]\"},"
        "{\"name\":\"customer\",\"type\":\"string\",\"path\":\"$.customer.name\"},"
        "{\"name\":\"ntags\",\"type\":\"int64\",\"count\":\"@.tags[*]\"},"
        "{\"name\":\"self\",\"type\":\"int32\",\"count\":\"$.orders[*].items[*]\"},"
        "{\"name\":\"everything\",\"type\":\"int32\",\"count\":\"$.orders[0].items[*]\"}]},"
        "{\"name\":\"orders\",\"rows\":\"$.orders[*]\",\"partition\":\"day\",\"columns\":["
        "{\"name\":\"id\",\"type\":\"string\",\"path\":\"@.id\"},"
        "{\"name\":\"day\",\"type\":\"date\",\"path\":\"@.day\"},"
        "{\"name\":\"total\",\"type\":\"double\",\"sum\":\"@.items[*].price\"},"
        "{\"name\":\"min_qty\",\"type\":\"int32\",\"min\":\"@.items[*].qty\"},"
        "{\"name\":\"max_qty\",\"type\":\"int32\",\"max\":\"@.items[*].qty\"},"
        "{\"name\":\"qty\",\"type\":\"int64\",\"sum\":\"@.items[*].qty\"},"
        "{\"name\":\"n\",\"type\":\"int32\",\"count\":\"@.items[*]\"},"
        "{\"name\":\"avg\",\"type\":\"double\",\"ratio\":[\"total\",\"n\"]},"
        "{\"name\":\"spread\",\"type\":\"int64\",\"difference\":[\"max_qty\",\"min_qty\"]},"
        "{\"name\":\"days\",\"type\":\"int32\",\"difference\":[\"day\",\"day\"]}]},"
        "{\"name\":\"msg\",\"partition\":null,\"columns\":["
        "{\"name\":\"orders\",\"type\":\"int32\",\"count\":\"$.orders[*]\"},"
        "{\"name\":\"first\",\"type\":\"date\",\"min\":\"$.orders[*].day\"},"
        "{\"name\":\"raw\",\"type\":\"string\",\"path\":\"$.customer\"}]}]}";
    char err[512], reason[256];
    sl_mapping *m = parse_mapping(text, err, sizeof err);
    if (!m)
        fprintf(stderr, "  %s\n", err);
    REQUIRE(m);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    const char *msg =
        "{\"id\":12,\"customer\":{\"name\":\"ann\",\"vip\":true},\"orders\":["
        "{\"id\":\"o1\",\"day\":\"2020-02-29\",\"items\":[{\"sku\":\"a\",\"qty\":2,\"price\":1.5,\"tags\":[\"x\",\"y\"],"
        "\"we.ird\":\"w\"},{\"sku\":\"b\",\"qty\":5,\"price\":2.25,\"tags\":[]}]},"
        "{\"id\":\"o2\",\"items\":[]},{\"id\":\"o3\",\"day\":null},"
        "{\"id\":\"o4\",\"day\":\"2020-03-01\",\"items\":[{\"sku\":\"c\",\"qty\":-1,\"price\":null}]}]}";
    const sl_map_result *res;
    sl_map_status st = sl_mapper_map(mp, msg, strlen(msg), NULL, &res, reason, sizeof reason);
    if (st != SL_MAP_OK)
        fprintf(stderr, "  %s\n", reason);
    REQUIRE(st == SL_MAP_OK);
    static const char *const want_items[] = {
        "s:o1\ti:0\ti:0\ts:a\ts:x\ts:w\ts:ann\ti:2\ti:1\ti:2\tnull\tnull\tnull\tnull",
        "s:o1\ti:0\ti:1\ts:b\tnull\tnull\ts:ann\ti:0\ti:1\ti:2\tnull\tnull\tnull\tnull",
        "s:o4\ti:3\ti:0\ts:c\tnull\tnull\ts:ann\ti:0\ti:1\ti:2\tnull\tnull\tnull\tnull",
    };
    static const char *const want_orders[] = {
        "s:o1\ti:18321\td:3.75\ti:2\ti:5\ti:7\ti:2\td:1.875\ti:3\ti:0\tnull\tnull\tnull\tnull",
        "s:o2\tnull\tnull\tnull\tnull\tnull\ti:0\tnull\tnull\tnull\tnull\tnull\tnull\tnull",
        "s:o3\tnull\tnull\tnull\tnull\tnull\ti:0\tnull\tnull\tnull\tnull\tnull\tnull\tnull",
        "s:o4\ti:18322\tnull\ti:-1\ti:-1\ti:-1\ti:1\tnull\ti:0\ti:0\tnull\tnull\tnull\tnull",
    };
    const int want_items_dt[] = { 18321, 18321, 18322 };
    const int want_orders_dt[] = { 18321, SL_DT_NONE, SL_DT_NONE, 18322 };
    char got[2048];
    REQUIRE(res->tables[0].nrows == 3);
    for (size_t r = 0; r < 3; r++) {
        row_text(&res->tables[0], sl_mapping_table_columns(m, 0), r, got, sizeof got);
        CHECK_EQ_STR(got, want_items[r]);
        CHECK_EQ_INT(res->tables[0].dt[r], want_items_dt[r]);
    }
    REQUIRE(res->tables[1].nrows == 4);
    for (size_t r = 0; r < 4; r++) {
        row_text(&res->tables[1], sl_mapping_table_columns(m, 1), r, got, sizeof got);
        CHECK_EQ_STR(got, want_orders[r]);
        CHECK_EQ_INT(res->tables[1].dt[r], want_orders_dt[r]);
    }
    REQUIRE(res->tables[2].nrows == 1);
    row_text(&res->tables[2], sl_mapping_table_columns(m, 2), 0, got, sizeof got);
    CHECK_EQ_STR(got, "i:4\ti:18321\ts:{\"name\":\"ann\",\"vip\":true}\tnull\tnull\tnull\tnull");
    CHECK_EQ_INT(res->tables[2].dt[0], SL_DT_NONE);
    CHECK_EQ_INT(res->dedupe_key_len, 2);
    CHECK(memcmp(res->dedupe_key, "12", 2) == 0);
    /* Unread keys, counted per object per path the mapping walks: customer.vip
     * (1), qty and price of the 3 items (only aggregates read them: 6), and id
     * and day of orders[0] as seen through the path $.orders[0].items (2). */
    CHECK_EQ_INT(res->extra_keys, 9);
    /* A bad value deep in an aggregate is named with its indexes. */
    const char *bad = "{\"orders\":[{\"items\":[]},{\"items\":[{\"qty\":1},{\"qty\":\"lots\"}]}]}";
    CHECK(sl_mapper_map(mp, bad, strlen(bad), NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(reason, "orders[1].items[1].qty: expected an integer, got \"lots\"");
    const char *bad2 = "{\"orders\":[{\"day\":\"someday\"}]}";
    CHECK(sl_mapper_map(mp, bad2, strlen(bad2), NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(reason, "orders[0].day: expected a date, got \"someday\"");
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
}

static void test_tenant(void)
{
    const char *text = "{\"name\":\"t\",\"tenant\":\"$.org\",\"tables\":[{\"name\":\"e\",\"columns\":["
                       "{\"name\":\"x\",\"type\":\"int64\",\"path\":\"$.x\"}]}]}";
    char err[512], reason[256];
    sl_mapping *m = parse_mapping(text, err, sizeof err);
    REQUIRE(m);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    const sl_map_result *res;
    REQUIRE(sl_mapper_map(mp, "{\"org\":\"acme-1_x\",\"x\":1}", 24, NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK(res->tenant_len == 8 && memcmp(res->tenant, "acme-1_x", 8) == 0);
    CHECK(sl_mapper_map(mp, "{\"org\":\"Acme\"}", 14, NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(reason, "tenant $.org: \"Acme\" is not a tenant id ([a-z0-9_-]{1,64})");
    CHECK(sl_mapper_map(mp, "{\"x\":1}", 7, NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(reason, "tenant $.org is missing");
    CHECK(sl_mapper_map(mp, "{\"org\":\"../x\"}", 14, NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
    /* A column cannot be called "tenant" when the mapping has a tenant. */
    const char *t2 = "{\"name\":\"t\",\"tenant\":\"$.org\",\"tables\":[{\"name\":\"e\",\"columns\":["
                     "{\"name\":\"tenant\",\"type\":\"string\",\"path\":\"$.org\"}]}]}";
    CHECK(parse_mapping(t2, err, sizeof err) == NULL);
    CHECK_EQ_STR(err, "t.json: tables[0].columns[0].name: 'tenant' is reserved for the partition folder");
}

static void test_describe(void)
{
    char err[512];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    REQUIRE(m);
    sl_buf b = { 0 };
    REQUIRE(sl_mapping_describe(m, &b) == SL_OK);
    const char *s = (const char *)b.data;
    CHECK(strstr(s, "mapping 'assessments' (assessments.json (built-in)): 3 tables\n") != NULL);
    CHECK(strstr(s, "  dedupe: $.keen_id\n") != NULL);
    CHECK(strstr(s, "table options: rows $.sequences.questions[*].options[*], partition dt = UTC date of "
                    "$.started_at, 11 columns + 4 provenance\n") != NULL);
    CHECK(strstr(s, "  score                double             ratio(correct, total)\n") != NULL);
    CHECK(strstr(s, "  keen_id              string    required $.keen_id\n") != NULL);
    CHECK(strstr(s, "  correct              boolean            @.correct default false\n") != NULL);
    sl_buf_free(&b);
    sl_mapping_destroy(m);
    m = sl_mapping_load("game-events", err, sizeof err);
    REQUIRE(m);
    REQUIRE(sl_mapping_describe(m, &b) == SL_OK);
    CHECK(strstr((const char *)b.data, "  when: $.event_type prefix \"purchase_\"\n") != NULL);
    CHECK(strstr((const char *)b.data, "  unmatched messages: quarantined\n") != NULL);
    sl_buf_free(&b);
    sl_mapping_destroy(m);
}

/* Two mappers over one mapping give the same rows (the mapping is read-only). */
static void test_two_mappers(void)
{
    char *buf;
    const char *rec[16];
    size_t len[16];
    REQUIRE(fixture_records(&buf, rec, len, 16) == 7);
    char err[512], r1[256], r2[256];
    sl_mapping *m = sl_mapping_load("assessments", err, sizeof err);
    sl_mapper *a = sl_mapper_new(m, err, sizeof err), *b = sl_mapper_new(m, err, sizeof err);
    REQUIRE(m && a && b);
    for (int round = 0; round < 3; round++)
        for (size_t k = 0; k < 7; k++) {
            const sl_map_result *ra, *rb;
            REQUIRE(sl_mapper_map(a, rec[k], len[k], NULL, &ra, r1, sizeof r1) == SL_MAP_OK);
            REQUIRE(sl_mapper_map(b, rec[6 - k], len[6 - k], NULL, &rb, r2, sizeof r2) == SL_MAP_OK);
            REQUIRE(sl_mapper_map(b, rec[k], len[k], NULL, &rb, r2, sizeof r2) == SL_MAP_OK);
            for (size_t t = 0; t < 3; t++) {
                CHECK_EQ_INT(ra->tables[t].nrows, rb->tables[t].nrows);
                for (size_t r = 0; r < ra->tables[t].nrows; r++) {
                    char x[4096], y[4096];
                    row_text(&ra->tables[t], sl_mapping_table_columns(m, t), r, x, sizeof x);
                    row_text(&rb->tables[t], sl_mapping_table_columns(m, t), r, y, sizeof y);
                    CHECK_EQ_STR(x, y);
                }
            }
        }
    sl_mapper_destroy(a);
    sl_mapper_destroy(b);
    sl_mapping_destroy(m);
    free(buf);
}

/* The mapping files in mappings/ parse (the same text as the built-ins). */
static void test_mapping_files(void)
{
    char err[512];
    sl_mapping *m = sl_mapping_load("mappings/assessments.json", err, sizeof err);
    if (!m)
        fprintf(stderr, "  %s\n", err);
    CHECK(m != NULL);
    sl_mapping_destroy(m);
    m = sl_mapping_load("mappings/game-events.json", err, sizeof err);
    CHECK(m != NULL);
    sl_mapping_destroy(m);
}

/* The per-message limits quarantine a message that yields too much. */
static void test_limits(void)
{
    char err[512], reason[256];
    sl_mapping *m = parse_mapping("{\"name\":\"l\",\"tables\":[{\"name\":\"e\",\"rows\":\"$.a[*]\",\"columns\":["
                                  "{\"name\":\"i\",\"type\":\"int64\",\"index\":\"@\"}]}]}",
                                  err, sizeof err);
    REQUIRE(m);
    sl_mapper *mp = sl_mapper_new(m, err, sizeof err);
    REQUIRE(mp);
    sl_mapper_set_limits(mp, 1000, 0);
    size_t n = 1001;
    char *msg = malloc(8 + 2 * n);
    size_t p = (size_t)sprintf(msg, "{\"a\":[");
    for (size_t i = 0; i < n; i++) {
        msg[p++] = '0';
        msg[p++] = i + 1 < n ? ',' : ']';
    }
    msg[p++] = '}';
    const sl_map_result *res;
    CHECK(sl_mapper_map(mp, msg, p, NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(reason, "message yields more than 1000 rows or 16777216 cells (limit)");
    /* 1000 rows fit; the next message starts from zero again. */
    msg[p - 4] = ']';
    msg[p - 3] = '}';
    REQUIRE(sl_mapper_map(mp, msg, p - 2, NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    CHECK_EQ_INT(res->tables[0].nrows, 1000);
    CHECK_EQ_INT(cell(res, 0, 999, 0)->u.i, 999);
    sl_mapper_set_limits(mp, 0, 50); /* 10 rows of 5 cells */
    const char *m11 = "{\"a\":[1,2,3,4,5,6,7,8,9,10,11]}", *m10 = "{\"a\":[1,2,3,4,5,6,7,8,9,10]}";
    CHECK(sl_mapper_map(mp, m11, strlen(m11), NULL, &res, reason, sizeof reason) == SL_MAP_QUARANTINE);
    CHECK_EQ_STR(reason, "message yields more than 1000 rows or 50 cells (limit)");
    CHECK(sl_mapper_map(mp, m10, strlen(m10), NULL, &res, reason, sizeof reason) == SL_MAP_OK);
    free(msg);
    sl_mapper_destroy(mp);
    sl_mapping_destroy(m);
}

int main(void)
{
    T_RUN(test_fixture_every_value);
    T_RUN(test_fixture_hand_checks);
    T_RUN(test_builtin_schema);
    T_RUN(test_absent_fields);
    T_RUN(test_mapping_errors);
    T_RUN(test_coercion);
    T_RUN(test_routing_game_events);
    T_RUN(test_quarantine_corpus);
    T_RUN(test_extra_keys);
    T_RUN(test_paths_and_aggregates);
    T_RUN(test_tenant);
    T_RUN(test_describe);
    T_RUN(test_two_mappers);
    T_RUN(test_mapping_files);
    T_RUN(test_limits);
    return t_done();
}
