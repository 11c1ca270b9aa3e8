# Spanish as written in Peru, where the sellers are: "S/ 1,538.80" (decimal point, thousands comma), as on
# marketplace prices, SUNAT receipts and our API texts. Dates and everything else stay Django's "es".
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
