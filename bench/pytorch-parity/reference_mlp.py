#!/usr/bin/env python3
"""The same MLP as a StreamTrain spec, trained in-process by PyTorch on a random split of the same size.

In: a CSV file with a header, the label column and the spec's hyperparameters. Out: one JSON line with the
validation accuracy and macro-F1. Preprocessing matches StreamTrain's: numeric columns (every value parses as a
number) are z-scored with statistics of the training rows, the others one-hot encoded; classes are the distinct
labels. Training: ReLU hidden layers, softmax cross-entropy, Adam, shuffled mini-batches, one thread.
"""
import argparse
import csv
import json

import numpy as np
import torch


def load(path, label):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0].keys() if c != label]
    numeric = []
    for c in columns:
        try:
            [float(r[c]) for r in rows]
            numeric.append(c)
        except ValueError:
            pass
    categorical = [c for c in columns if c not in numeric]
    classes = sorted({r[label] for r in rows})
    return rows, numeric, categorical, classes


def encode(rows, numeric, categorical, vocab, mean, std):
    x = np.zeros((len(rows), len(numeric) + sum(len(vocab[c]) for c in categorical)), dtype=np.float32)
    for i, r in enumerate(rows):
        for j, c in enumerate(numeric):
            x[i, j] = (float(r[c]) - mean[j]) / std[j]
        offset = len(numeric)
        for c in categorical:
            index = vocab[c].get(r[c])
            if index is not None:
                x[i, offset + index] = 1.0
            offset += len(vocab[c])
    return x


def macro_f1(actual, predicted, k):
    scores = []
    for c in range(k):
        tp = np.sum((actual == c) & (predicted == c))
        fp = np.sum((actual != c) & (predicted == c))
        fn = np.sum((actual == c) & (predicted != c))
        if tp + fp + fn == 0:
            continue
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * p * r / (p + r) if p + r else 0.0)
    return float(np.mean(scores))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--label", required=True)
    parser.add_argument("--hidden", default="64,32")
    parser.add_argument("--lr", type=float, default=0.001)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--validation", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    a = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    rows, numeric, categorical, classes = load(a.data, a.label)
    order = rng.permutation(len(rows))
    n_validation = int(round(len(rows) * a.validation))
    validation = [rows[i] for i in order[:n_validation]]
    train = [rows[i] for i in order[n_validation:]]

    values = np.array([[float(r[c]) for c in numeric] for r in train])
    mean, std = values.mean(axis=0), values.std(axis=0)
    std[std < 1e-12] = 1.0
    vocab = {c: {v: i for i, v in enumerate(sorted({r[c] for r in train}))} for c in categorical}
    class_index = {c: i for i, c in enumerate(classes)}
    x_train = torch.from_numpy(encode(train, numeric, categorical, vocab, mean, std))
    y_train = torch.tensor([class_index[r[a.label]] for r in train])
    x_val = torch.from_numpy(encode(validation, numeric, categorical, vocab, mean, std))
    y_val = np.array([class_index[r[a.label]] for r in validation])

    layers, width = [], x_train.shape[1]
    for h in [int(h) for h in a.hidden.split(",")]:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, len(classes)))
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(a.epochs):
        permutation = torch.randperm(len(train))
        for start in range(0, len(train), a.batch):
            index = permutation[start:start + a.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[index]), y_train[index])
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        predicted = model(x_val).argmax(dim=1).numpy()
    print(json.dumps({"seed": a.seed, "trainRows": len(train), "validationRows": len(validation),
                      "accuracy": float(np.mean(predicted == y_val)),
                      "macro_f1": macro_f1(y_val, predicted, len(classes))}))


if __name__ == "__main__":
    main()
