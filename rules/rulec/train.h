/* SPDX-License-Identifier: BSD-3-Clause */
/* smsfw-rulec train: the content model trainer (train.c). */
#ifndef SF_RULEC_TRAIN_H
#define SF_RULEC_TRAIN_H

/* train SPEC -o MODEL [--data DIR]: exit status. */
int cmd_train(int argc, char **argv);

#endif
